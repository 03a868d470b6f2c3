import XCTest
import FlashAnalysis
import FlashEvents
import FlashModel
import FlashTraceIO

/// One small recorded trace per rule: the rule fires on its own trace and on no other one.
final class RuleTests: XCTestCase {
    struct RuleTrace {
        var rule: Rule
        var devices: [String]
        var ops: String
        /// Rules this trace necessarily triggers as well (the cause of its own rule).
        var alsoFires: Set<Rule> = []
    }

    static let traces: [RuleTrace] = [
        RuleTrace(rule: .outOfExtentWrite, devices: virtDevices, ops: """
            # program setup at 0xC0000, the first byte beyond the 768 KiB image
            writel 0x40c0000 0x00400040
            """),
        RuleTrace(rule: .outOfExtentRead, devices: virtDevices, ops: """
            readl 0x40c0000
            """),
        RuleTrace(rule: .writeToReadOnly, devices: virtDevices, ops: """
            # a stray store to the read-only code flash
            writel 0x1cb20 0x00017384
            """),
        RuleTrace(rule: .unknownCommand, devices: virtDevices, ops: """
            writel 0x4000000 0x00ee00ee
            """),
        RuleTrace(rule: .invalidSequence, devices: virtDevices, ops: """
            # block erase confirmed with 0x70 instead of 0xD0
            writel 0x4040000 0x00200020
            writel 0x4040000 0x00700070
            """),
        RuleTrace(rule: .uncheckedErrorStatus, devices: virtDevices, ops: """
            # buffered write whose data falls outside the window sets status bit 0x10 ...
            writel 0x4002000 0x00e800e8
            writel 0x4002000 0x00000000
            writel 0x4009000 0x11111111
            writel 0x4002000 0x00ff00ff
            # ... and the next program starts without reading or clearing it
            writel 0x4000100 0x00400040
            writel 0x4000100 0x00000000
            writel 0x4000000 0x00ff00ff
            """, alsoFires: [.invalidSequence]),
        RuleTrace(rule: .programWithoutErase, devices: virtDevices, ops: """
            writel 0x4000100 0x00400040
            writel 0x4000100 0x12345678
            writel 0x4000100 0x00400040
            writel 0x4000100 0xffffffff
            writel 0x4000000 0x00ff00ff
            """),
        RuleTrace(rule: .incompleteOperation, devices: musicpalDevices, ops: """
            # first unlock cycle only, then the trace ends
            writew 0xfe000aaa 0x00aa
            """),
        RuleTrace(rule: .leftInCommandMode, devices: virtDevices, ops: """
            writel 0x4000000 0x00700070
            readl 0x4000000
            """),
    ]

    func testEachRuleFiresOnItsTraceAndNowhereElse() throws {
        var reports: [(RuleTrace, ReplayReport)] = []
        for t in Self.traces {
            let (configs, records) = try record(t.ops, devices: t.devices)
            reports.append((t, try replay(configs, records)))
        }
        for (t, report) in reports {
            let fired = report.firedRules
            XCTAssertNotNil(fired[t.rule], "\(t.rule.rawValue) did not fire on its trace; fired: \(fired)")
            let unexpected = Set(fired.keys).subtracting([t.rule]).subtracting(t.alsoFires)
            XCTAssertTrue(unexpected.isEmpty, "\(t.rule.rawValue) trace also fired \(unexpected.map(\.rawValue))")
            XCTAssertEqual(report.divergences, 0, "\(t.rule.rawValue) trace diverged")
            for other in reports where other.0.rule != t.rule && !other.0.alsoFires.contains(t.rule) {
                XCTAssertEqual(other.1.count(t.rule), 0, "\(t.rule.rawValue) fired on the \(other.0.rule.rawValue) trace")
            }
        }
    }

    func testCFI02SequenceErrors() throws {
        let (configs, records) = try record("""
            writew 0xfe000aaa 0x00aa
            writew 0xfe000556 0x0055
            writew 0xfe000aaa 0x00aa
            writew 0xfe000554 0x0055
            writew 0xfe000aaa 0x0077
            """, devices: musicpalDevices)
        let report = try replay(configs, records)
        XCTAssertEqual(report.count(.invalidSequence), 1, "failed second unlock cycle")
        XCTAssertEqual(report.count(.unknownCommand), 1, "0x77 after the unlock cycles")
        XCTAssertEqual(report.divergences, 0)
    }

    func testOutOfExtentMessageSaysWhatIsLost() throws {
        let (configs, records) = try record(Self.traces[0].ops, devices: virtDevices)
        let f = try XCTUnwrap(try replay(configs, records).findings.first { $0.rule == .outOfExtentWrite })
        XCTAssertEqual(f.device, "virt.flash1")
        XCTAssertEqual(f.offset, 0xC0000)
        XCTAssertEqual(f.severity, .error)
        XCTAssertNotNil(f.seq)
        XCTAssertTrue(f.message.contains("beyond the backing image"), f.message)
    }
}
