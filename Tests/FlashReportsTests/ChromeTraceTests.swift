import Foundation
import XCTest

/// `convert --to chrome-json`, run with the binary and read back as Chrome's trace-event JSON.
final class ChromeTraceTests: XCTestCase {
    struct Slice {
        var pid: Int, ts: Double, dur: Double, cat: String, name: String, args: [String: Any]
    }

    func convert(_ trace: URL, _ extra: [String], in dir: URL) throws -> [[String: Any]] {
        let r = try Fixtures.flashtrace(["convert", trace.lastPathComponent, "--to", "chrome-json", "-o", "out.json", "-q"] + extra, cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out.json"))) as? [String: Any])
        XCTAssertEqual(root["displayTimeUnit"] as? String, "ms")
        let events = try XCTUnwrap(root["traceEvents"] as? [[String: Any]])
        // Every event is well-formed for the trace-event format: a phase, a pid, a timestamp.
        for e in events {
            let ph = try XCTUnwrap(e["ph"] as? String)
            XCTAssertTrue(["M", "X", "i", "C"].contains(ph), "\(e)")
            XCTAssertNotNil(e["pid"] as? Int, "\(e)")
            XCTAssertNotNil(e["name"] as? String, "\(e)")
            if ph != "M" { XCTAssertGreaterThanOrEqual(try XCTUnwrap(e["ts"] as? Double, "\(e)"), 0) }
            if ph == "X" { XCTAssertGreaterThanOrEqual(try XCTUnwrap(e["dur"] as? Double, "\(e)"), 0) }
        }
        return events
    }

    func slices(_ events: [[String: Any]]) -> [Slice] {
        events.filter { $0["ph"] as? String == "X" }.map {
            Slice(pid: $0["pid"] as! Int, ts: $0["ts"] as! Double, dur: $0["dur"] as! Double,
                  cat: $0["cat"] as! String, name: $0["name"] as! String, args: $0["args"] as? [String: Any] ?? [:])
        }
    }

    func testRealBootBecomesDeviceTracksWithSlicesFindingsAndCounters() throws {
        let dir = try Fixtures.temporaryDirectory()
        let log = try Fixtures.aavmfBoot(in: dir)
        var extra: [String] = []
        if FileManager.default.fileExists(atPath: Fixtures.aavmfVars) { extra = ["--image", "virt.flash1=\(Fixtures.aavmfVars)"] }
        let events = try convert(log, extra, in: dir)

        // One track (process) per device, named after it.
        let names = events.filter { $0["name"] as? String == "process_name" }
            .map { (($0["args"] as? [String: Any])?["name"] as? String ?? "") }
        XCTAssertEqual(names, ["virt.flash0 (cfi01, read-only)", "virt.flash1 (cfi01)"])
        let flash0 = 1, flash1 = 2

        let all = slices(events)
        let erases = all.filter { $0.cat == "erase" }
        XCTAssertEqual(erases.count, 23)
        XCTAssertEqual(Dictionary(grouping: erases) { $0.args["offset"] as? String ?? "" }.mapValues(\.count),
                       ["0x0": 15, "0x40000": 3, "0x80000": 5])
        let buffered = all.filter { $0.cat == "buffered-write" }
        XCTAssertEqual(buffered.count, 217)
        XCTAssertTrue(buffered.allSatisfy { $0.args["bytes"] as? Int == 128 && $0.name == "buffered write 128 B" })
        // Erases and buffered writes lie inside a command sequence of the same device.
        let sequences = all.filter { $0.cat == "sequence" }
        XCTAssertFalse(sequences.isEmpty)
        for s in erases + buffered {
            XCTAssertEqual(s.pid, flash1)
            XCTAssertTrue(sequences.contains { $0.pid == s.pid && $0.ts <= s.ts + 1e-6 && s.ts + s.dur <= $0.ts + $0.dur + 1e-6 },
                          "\(s.name) at \(s.ts) is in no sequence")
        }

        let findings = events.filter { $0["ph"] as? String == "i" }
        // The two stores to the code flash, and the 14 in-place rewrites of the variable store
        // (NorFlashDxe erases its only copy: loss windows, on the vars flash).
        let readOnly = findings.filter { $0["name"] as? String == "write-to-read-only" }
        XCTAssertEqual(readOnly.count, 2)
        XCTAssertTrue(readOnly.allSatisfy { $0["pid"] as? Int == flash0 })
        let windows = findings.filter { $0["name"] as? String == "variable-loss-window" }
        XCTAssertEqual(windows.count, 14)
        XCTAssertTrue(windows.allSatisfy { $0["pid"] as? Int == flash1 })
        XCTAssertEqual(findings.count, 16)

        let polls = events.filter { $0["ph"] as? String == "C" && $0["pid"] as? Int == flash1 }
            .compactMap { ($0["args"] as? [String: Any])?["in sequence"] as? Int }
        XCTAssertGreaterThan(polls.max() ?? 0, 0)
        XCTAssertEqual(polls.last, 0, "the counter returns to 0 when a sequence ends")

        // Microseconds on the log's clock: the boot's pflash activity spans about 6.3 s.
        let end = all.map { $0.ts + $0.dur }.max() ?? 0
        XCTAssertGreaterThan(end, 6.0e6)
        XCTAssertLessThan(end, 6.6e6)
    }

    func testRecordedTraceKeepsItsOrder() throws {
        let dir = try Fixtures.temporaryDirectory()
        // A recorded trace's virtual clock stands still without clock steps: events stay ordered.
        let trace = try Fixtures.record(try Fixtures.defaultScenario(), name: "scenario", in: dir)
        let events = try convert(trace, [], in: dir)
        let all = slices(events)
        XCTAssertEqual(all.filter { $0.cat == "erase" }.count, 1)
        XCTAssertEqual(all.filter { $0.cat == "buffered-write" }.map { $0.args["bytes"] as? Int }, [128, 128])
        XCTAssertEqual(all.filter { $0.cat == "program" }.count, 1)
        let starts = all.filter { $0.cat == "sequence" }.map(\.ts)
        XCTAssertEqual(starts, starts.sorted())
        XCTAssertEqual(Set(starts).count, starts.count, "sequences at distinct times")
    }
}
