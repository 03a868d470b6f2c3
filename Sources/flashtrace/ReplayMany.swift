import ArgumentParser
import Dispatch
import Foundation
import FlashAnalysis
import FlashTraceIO

// `replay A B C --jobs N`: independent traces replayed on N threads (each has its own reader,
// models and engine; nothing is shared but the write-text registry, which is locked), reports
// printed in the order given, then one summary table.

extension Replay {
    struct Outcome: Sendable {
        var report: ReplayReport?
        var failure: Int32?
    }

    func runMany() throws {
        let n = min(jobs ?? ProcessInfo.processInfo.activeProcessorCount, traces.count)
        let results = Results(count: traces.count)
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: n) { _ in
            while let i = next.take(below: traces.count) {
                var one = self
                one.traces = [traces[i]]
                do {
                    let (report, _, _) = try one.replayOne(collectActivity: false, progress: false, parallel: n == 1)
                    results.set(i, Outcome(report: report, failure: nil))
                } catch let e as ExitCode {
                    results.set(i, Outcome(report: nil, failure: e.rawValue))
                } catch {
                    results.set(i, Outcome(report: nil, failure: ExitCode.failure.rawValue))
                }
            }
        }
        let outcomes = results.all
        let text: String
        switch format {
        case .json: text = json(outcomes).serialized + "\n"
        default: text = outcomes.compactMap { $0.report?.text() }.joined(separator: "\n") + "\n" + table(outcomes)
        }
        if let output { try writeOutput(text, to: output, force: force) } else { print(text, terminator: "") }
        if let failure = outcomes.compactMap(\.failure).max() { throw ExitCode(failure) }
        let errors = outcomes.compactMap { $0.report?.errors }.reduce(0, +)
        let warnings = outcomes.compactMap { $0.report?.warnings }.reduce(0, +)
        switch failOn {
        case .error where errors > 0: throw ExitCode.findings
        case .warning where errors + warnings > 0: throw ExitCode.findings
        default: break
        }
    }

    private func table(_ outcomes: [Outcome]) -> String {
        var rows = [["trace", "events", "errors", "warnings", "divergences", "smallest safe image"]]
        for (path, o) in zip(traces, outcomes) {
            guard let r = o.report else {
                rows.append([path, "-", "failed (exit \(o.failure ?? 0))", "-", "-", "-"])
                continue
            }
            let images = r.devices.filter { $0.smallestSafeImage > 0 }
                .map { "\($0.name) \(ReplayReport.size($0.smallestSafeImage))" }.joined(separator: ", ")
            rows.append([path, "\(r.events)", "\(r.errors)", "\(r.warnings)", "\(r.divergences)", images.isEmpty ? "-" : images])
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        let lines = rows.map { r in
            r.enumerated().map { i, c in i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count) }
                .joined(separator: "  ")
        }
        return "Summary of \(traces.count) traces\n" + lines.map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    private func json(_ outcomes: [Outcome]) -> JSONValue {
        let entries: [JSONValue] = zip(traces, outcomes).map { path, o in
            o.report?.json ?? .object([("trace", .string(path)), ("failed", .uint(UInt64(o.failure ?? 0)))])
        }
        let reports = outcomes.compactMap(\.report)
        return .object([
            ("traces", .array(entries)),
            ("summary", .object([
                ("traces", .uint(UInt64(traces.count))),
                ("failed", .uint(UInt64(outcomes.filter { $0.report == nil }.count))),
                ("events", .uint(UInt64(reports.map(\.events).reduce(0, +)))),
                ("errors", .uint(UInt64(reports.map(\.errors).reduce(0, +)))),
                ("warnings", .uint(UInt64(reports.map(\.warnings).reduce(0, +)))),
                ("divergences", .uint(UInt64(reports.map(\.divergences).reduce(0, +)))),
            ])),
        ])
    }
}

/// Per-trace results, filled from the worker threads.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Replay.Outcome]

    init(count: Int) { items = Array(repeating: Replay.Outcome(report: nil, failure: nil), count: count) }

    func set(_ i: Int, _ o: Replay.Outcome) { lock.lock(); items[i] = o; lock.unlock() }
    var all: [Replay.Outcome] { lock.lock(); defer { lock.unlock() }; return items }
}

/// Hands out trace indexes to the workers.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
