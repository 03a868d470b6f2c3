import Foundation
import XCTest
import FlashModel
import FlashTraceIO

// Runs the same op lines through QEMU and through the model and compares, op by op, the read
// values and the pflash trace lines each op caused (the model's events are printed with
// FlashTraceIO's qemuLogLine, the same text QEMU's log backend writes).

/// One op-script line and what it produced.
struct Step: Equatable {
    var op: String
    var value: UInt64?
    var events: [String]
}

/// A named list of op-script lines (absolute addresses, qtest words).
struct FlashCase {
    var name: String
    var ops: [String]

    init(_ name: String, base: UInt64, _ build: (inout Ops) -> Void) {
        var o = Ops(base: base)
        build(&o)
        self.name = name
        ops = o.lines
    }

    init(name: String, ops: [String]) {
        self.name = name
        self.ops = ops
    }
}

/// Builds op lines with offsets relative to a device's base.
struct Ops {
    let base: UInt64
    private(set) var lines: [String] = []

    init(base: UInt64) { self.base = base }

    static func letter(_ size: Int) -> String {
        switch size {
        case 1: return "b"
        case 2: return "w"
        case 4: return "l"
        case 8: return "q"
        default: preconditionFailure("access size \(size)")
        }
    }

    /// A write; the value is truncated to the access size as qtest would.
    mutating func w(_ size: Int, _ offset: UInt64, _ value: UInt64) {
        let v = size == 8 ? value : value & ((1 << UInt64(8 * size)) - 1)
        lines.append("write\(Ops.letter(size)) 0x\(String(base + offset, radix: 16)) 0x\(String(v, radix: 16))")
    }

    mutating func r(_ size: Int, _ offset: UInt64) {
        lines.append("read\(Ops.letter(size)) 0x\(String(base + offset, radix: 16))")
    }

    mutating func reset() { lines.append("system_reset") }
}

/// The model side of a session: the bus of a Machine driven through OpScriptRunner (the code
/// path `flashtrace record` uses), one op at a time so events can be attributed to ops.
final class ModelSession {
    let runner: OpScriptRunner
    private var pending: [String] = []
    /// Contents the machine writes back into a device's storage at machine reset: QEMU's ROM
    /// loader re-copies a -bios image (canon-a1100) into the flash RAM on system_reset, without
    /// involving the device (no trace events) — but only while the region is in ROMD mode
    /// (address_space_write_rom skips a ROM device in I/O mode). Board behaviour, so the harness
    /// does it; CFI02's device reset leaves ROMD alone, so the order of the two does not matter.
    private let reloadedAtReset: [(device: FlashDevice, image: [UInt8])]

    init(bus: FlashBus, reloadedAtReset: [(device: FlashDevice, image: [UInt8])] = []) {
        runner = OpScriptRunner(bus: bus)
        self.reloadedAtReset = reloadedAtReset
        runner.start { pending.append(qemuLogLine(device: $0.device, event: $0.event)) }
    }

    func execute(_ line: String) throws -> UInt64? {
        let script = try OpScript(text: line, name: "op")
        var value: UInt64?
        try runner.run(script, onRead: { value = $0.value }) {
            pending.append(qemuLogLine(device: $0.device, event: $0.event))
        }
        if line == "system_reset" {
            for r in reloadedAtReset where r.device.romd {
                r.device.storage = Storage(bytes: r.image, bigEndian: r.device.config.bigEndian)
            }
        }
        return value
    }

    func takeLog() -> [String] {
        defer { pending.removeAll() }
        return pending
    }
}

struct Mismatch {
    var caseIndex: Int
    var caseName: String
    var report: String
}

struct Outcome {
    var mismatches: [Mismatch] = []
    /// Ops run and QEMU trace lines compared (to show a run was not vacuous).
    var ops = 0
    var events = 0
}

enum Conformance {
    /// Runs `cases` in one QEMU process and one model, `system_reset` between cases (device reset
    /// keeps storage and, for CFI02, ROMD and bypass: both sides carry the same state over).
    /// Returns one Mismatch per differing case.
    static func run(_ machine: Machine, _ cases: [FlashCase]) throws -> Outcome {
        let qemu = try machine.startQEMU()
        let model = try machine.startModel()
        var outcome = Outcome()
        for (index, c) in cases.enumerated() {
            qemu.begin(batch: c.name)
            var q: [Step] = [], m: [Step] = []
            if index == 0 {
                q.append(Step(op: "(machine start)", value: nil, events: try qemu.takeLog()))
                m.append(Step(op: "(machine start)", value: nil, events: model.takeLog()))
            }
            let ops = index == 0 ? c.ops : ["system_reset"] + c.ops
            var modelError: String?
            for op in ops {
                let qv: UInt64?
                do {
                    qv = try qemu.execute(op)
                } catch {
                    throw QEMUError("\(machine.name) case \(index) \"\(c.name)\", op `\(op)`: \(error)\n\(qemu.stderrText())")
                }
                q.append(Step(op: op, value: qv, events: try qemu.takeLog()))
                if modelError == nil {
                    do {
                        let mv = try model.execute(op)
                        m.append(Step(op: op, value: mv, events: model.takeLog()))
                    } catch {
                        modelError = "model threw at `\(op)`: \(error)"
                    }
                }
            }
            outcome.ops += ops.count
            outcome.events += q.reduce(0) { $0 + $1.events.count }
            if ProcessInfo.processInfo.environment["FLASHTRACE_QEMU_DUMP"] != nil {
                print("== \(machine.name) case \(index) \(c.name)\n" + q.map(render).joined(separator: "\n"))
            }
            if let report = compare(qemu: q, model: m, modelError: modelError) {
                outcome.mismatches.append(Mismatch(caseIndex: index, caseName: c.name,
                                           report: "\(machine.name) case \(index) \"\(c.name)\": \(report)"
                                               + "\nops of the case:\n  " + c.ops.joined(separator: "\n  ")))
            }
        }
        let late = try qemu.finish()
        if !late.isEmpty {
            throw QEMUError("\(machine.name): trace lines arrived after the last op:\n" + late.joined(separator: "\n"))
        }
        return outcome
    }

    /// nil when identical; otherwise the first differing op with context.
    static func compare(qemu q: [Step], model m: [Step], modelError: String?) -> String? {
        let common = min(q.count, m.count)
        guard let k = (0..<common).first(where: { q[$0] != m[$0] }) ?? (q.count == m.count ? nil : common)
        else { return nil }
        var text = "first difference at op \(k + 1) of \(q.count)"
        if k < m.count, let qv = q[k].value, let mv = m[k].value, qv != mv {
            text += ": `\(q[k].op)` read 0x\(String(qv, radix: 16)) from QEMU, 0x\(String(mv, radix: 16)) from the model"
        }
        if k >= m.count, let modelError { text += ": \(modelError)" }
        text += "\ncontext (identical on both sides):\n" + context(before: k, in: q)
        text += "\nQEMU:\n" + render(q[k])
        text += "\nmodel:\n" + (k < m.count ? render(m[k]) : "  (no step)")
        return text
    }

    /// The steps before `k`, going back until about 10 event lines are shown.
    static func context(before k: Int, in steps: [Step]) -> String {
        var start = k
        var lines = 0
        while start > 0 && lines < 10 {
            start -= 1
            lines += steps[start].events.count + 1
        }
        return steps[start..<k].map(render).joined(separator: "\n")
    }

    static func render(_ s: Step) -> String {
        var out = "  > \(s.op)" + (s.value.map { "  => 0x" + String($0, radix: 16) } ?? "")
        for e in s.events { out += "\n      \(e)" }
        return out
    }
}

extension XCTestCase {
    /// Runs the cases and fails once per differing case (the report holds the first difference).
    func assertConformance(_ machine: Machine, _ cases: [FlashCase], file: StaticString = #filePath, line: UInt = #line) throws {
        let outcome = try Conformance.run(machine, cases)
        XCTAssertGreaterThan(outcome.events, cases.count, "\(machine.name): QEMU logged almost nothing", file: file, line: line)
        for mm in outcome.mismatches { XCTFail(mm.report, file: file, line: line) }
    }
}
