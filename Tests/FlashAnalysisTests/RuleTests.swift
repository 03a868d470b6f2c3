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

/// Each era's findings are its model's rejections (issue 13): the same writes, recorded and
/// replayed under each QEMU era.
final class EraRuleTests: XCTestCase {
    func report(_ ops: String, era: PflashEra, devices: [String] = virtDevices) throws -> ReplayReport {
        let configs = try devices.map { spec -> DeviceConfig in
            var c = try DeviceSpec.parse(spec)
            c.era = era
            return c
        }
        let runner = OpScriptRunner(bus: FlashBus(devices: try configs.map { try makeDevice($0) }))
        var records: [TraceRecord] = []
        runner.start { records.append($0) }
        try runner.run(try OpScript(text: ops, name: "era.ops")) { records.append($0) }
        let r = try replay(configs, records)
        XCTAssertEqual(r.divergences, 0, "\(era)")
        return r
    }

    func testOneWordBufferedWrite() throws {
        let ops = """
            writel 0x4000100 0x00e800e8
            writel 0x4000100 0x00000000
            writel 0x4000100 0x12345678
            writel 0x4000100 0x00d000d0
            writel 0x4000100 0x00500050
            writel 0x4000100 0x00ff00ff
            """
        for era in PflashEra.allCases {
            let r = try report(ops, era: era)
            if era == .bufferAtFirstData {
                XCTAssertEqual(r.firedRules, [.oneWordBufferDropped: 1, .invalidSequence: 1], "dropped, then the abort at the confirm")
                let f = try XCTUnwrap(r.findings.first { $0.rule == .oneWordBufferDropped })
                XCTAssertEqual(f.offset, 0x100)
                XCTAssertTrue(f.message.contains("a real Intel part programs it"), f.message)
            } else {
                XCTAssertEqual(r.firedRules, [:], "\(era): the word is programmed")
            }
        }
    }

    func testUnknownCommandAndReadOnlyStoreInEveryEra() throws {
        let ops = """
            writel 0x4000000 0x00ee00ee
            writel 0x1cb20 0x00017384
            writel 0x1cb24 0x00000000
            """
        for era in PflashEra.allCases {
            let r = try report(ops, era: era)
            XCTAssertEqual(r.firedRules, [.unknownCommand: 1, .writeToReadOnly: 2], "\(era)")
            let stores = r.findings.filter { $0.rule == .writeToReadOnly }
            XCTAssertEqual(stores.map(\.offset), [0x1cb20, 0x1cb24])
            XCTAssertEqual(stores.map(\.device), ["virt.flash0", "virt.flash0"])
            XCTAssertTrue(stores[0].message.hasPrefix("store of 0x17384 (4 bytes) at 0x1cb20 to a read-only device"), stores[0].message)
        }
    }

    /// A program and a buffered write on the read-only flash: one finding each, at the command.
    func testReadOnlyProgramAndBufferInEveryEra() throws {
        let ops = """
            writel 0x100 0x00400040
            writel 0x100 0x00000000
            writel 0x100 0x00e800e8
            writel 0x100 0x00010001
            writel 0x100 0x00000000
            writel 0x104 0x00000000
            writel 0x100 0x00d000d0
            writel 0x0 0x00500050
            writel 0x0 0x00ff00ff
            """
        for era in PflashEra.allCases {
            let r = try report(ops, era: era)
            XCTAssertEqual(r.firedRules, [.writeToReadOnly: 2], "\(era)")
            XCTAssertEqual(r.findings.map(\.message), ["0x40 (word program setup) at 0x100 on a read-only device",
                                                       "0xe8 (write to buffer) at 0x100 on a read-only device"], "\(era)")
        }
    }

    /// A buffered write whose confirm is not 0xD0: before the update buffer QEMU has stored the
    /// data already, afterwards it discards the buffer.
    func testBufferedWriteNotConfirmed() throws {
        let ops = """
            writel 0x4000100 0x00e800e8
            writel 0x4000100 0x00000000
            writel 0x4000100 0x12345678
            writel 0x4000100 0x00ff00ff
            """
        for era in PflashEra.allCases {
            let r = try report(ops, era: era)
            XCTAssertEqual(r.firedRules, era == .bufferAtFirstData ? [.oneWordBufferDropped: 1, .invalidSequence: 1] : [.invalidSequence: 1], "\(era)")
            let f = try XCTUnwrap(r.findings.first { $0.rule == .invalidSequence })
            if era == .directWrite {
                XCTAssertTrue(f.message.contains("this QEMU has written the data already"), f.message)
            } else {
                XCTAssertTrue(f.message.contains("buffer discarded"), f.message)
            }
        }
    }

    /// Data outside the window: 7.2.9 – 9.0.0 say where a real part anchors it; before the
    /// update buffer there is no window and nothing to find.
    func testDataOutsideTheWindow() throws {
        let ops = """
            writel 0x4002000 0x00e800e8
            writel 0x4002000 0x00010001
            writel 0x4009000 0x11111111
            writel 0x4002000 0x22222222
            writel 0x4002000 0x00d000d0
            writel 0x4000000 0x00500050
            writel 0x4000000 0x00ff00ff
            """
        for era in PflashEra.allCases {
            let r = try report(ops, era: era)
            let messages = r.findings.map(\.message)
            switch era {
            case .directWrite:
                XCTAssertEqual(r.firedRules, [:])
            case .bufferAtCount:
                XCTAssertEqual(r.firedRules, [.invalidSequence: 2], "outside the window, then the abort")
                XCTAssertTrue(messages[0].contains("[0x2000, 0x3000), which this QEMU anchors at the address of the count write"), messages[0])
            case .bufferAtFirstData:
                XCTAssertEqual(r.firedRules, [.invalidSequence: 2])
                XCTAssertTrue(messages[0].contains("data at 0x2000 lies outside the write-buffer window [0x9000, 0xa000), opened at the sequence's first data write"), messages[0])
            }
        }
    }

    func testCFI02ReadOnly() throws {
        let ro = [musicpalDevices[0] + ",readonly=on"]
        let r = try report("""
            writew 0xfe000aaa 0x00aa
            writew 0xfe000554 0x0055
            writew 0xfe000aaa 0x00a0
            writew 0xfe000200 0x0000
            writew 0xfe000300 0x1234
            """, era: .bufferAtCount, devices: ro)
        XCTAssertEqual(r.findings.map(\.message), ["program of 0x0 at 0x200 on a read-only device", "store of 0x1234 at 0x300 to a read-only device"])
    }
}
