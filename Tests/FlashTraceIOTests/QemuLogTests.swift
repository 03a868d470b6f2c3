import FlashEvents
import FlashTraceIO
import XCTest

final class QemuLogTests: XCTestCase {
    func parseEvent(_ line: String, file: StaticString = #filePath, line l: UInt = #line) throws -> QemuLogEntry {
        var parser = QemuLogParser()
        guard case .event(let entry) = try parser.parse(line) else {
            XCTFail("not an event: \(line)", file: file, line: l)
            throw TraceFormatError(line: 0, message: "not an event")
        }
        return entry
    }

    /// Every line of every golden log and both boot traces parses and formats back to itself.
    func testRoundTripAllLogs() throws {
        var total = 0
        for (name, lines) in try TestData.allLogs() {
            var parser = QemuLogParser()
            for (index, line) in lines.enumerated() {
                guard case .event(let e) = try parser.parse(line, lineNumber: index + 1) else {
                    XCTFail("\(name):\(index + 1) not an event: \(line)")
                    continue
                }
                let again = qemuLogLine(device: e.device, event: e.event, tid: e.tid, ts: e.ts)
                if again != line { XCTFail("\(name):\(index + 1)\n  got  \(again)\n  want \(line)") }
                total += 1
            }
        }
        XCTAssertGreaterThan(total, 100_000)
    }

    func testTimestampPrefix() throws {
        let e = try parseEvent("17157@1795645194.220881:pflash_io_write virt.flash0: offset:0x1cb20 size:4 value:0x17384 wcycle:0")
        XCTAssertEqual(e.tid, 17157)
        XCTAssertEqual(e.ts, 1_795_645_194_220_881_000)
        XCTAssertEqual(e.device, "virt.flash0")
        XCTAssertEqual(e.event, .ioWrite(0x1cb20, 4, 0x17384, wcycle: 0))
        let plain = try parseEvent("pflash_io_write virt.flash0: offset:0x1cb20 size:4 value:0x17384 wcycle:0")
        XCTAssertNil(plain.tid)
        XCTAssertNil(plain.ts)
    }

    func testFormatting() {
        XCTAssertEqual(qemuLogLine(device: "virt.flash1", event: .ioWrite(0, 4, 0x900090, wcycle: 0)),
                       "pflash_io_write virt.flash1: offset:0x0000 size:4 value:0x900090 wcycle:0")
        XCTAssertEqual(qemuLogLine(device: "virt.flash1", event: FlashEvent(.dataWriteBlock, 0x10, 4, 0xfff12b8d, 0x1b)),
                       "pflash_data_write_block virt.flash1: data offset:0x0010 size:4 value:0xfff12b8d counter:0x000000000000001b")
        XCTAssertEqual(qemuLogLine(device: "m", event: FlashEvent(.sectorEraseStart, 4, 0x10000, 4, 0x1ffff)),
                       "pflash_sector_erase_start m: start sector erase at: 0x10000-0x1ffff")
        XCTAssertEqual(qemuLogLine(device: "m", event: FlashEvent(.sectorEraseStart, 4, 0, 4, 0x3fff)),
                       "pflash_sector_erase_start m: start sector erase at: 0x0000-0x3fff")
        XCTAssertEqual(qemuLogLine(device: "m", event: .write("unlock sequence done")),
                       "pflash_write m: unlock sequence done")
        XCTAssertEqual(qemuLogLine(device: "d", event: FlashEvent(.outerWrite, 0x400000, 2, 0xab)),
                       "pflash_outer_write d: addr:0x400000 len:2 value:0xab")
        XCTAssertEqual(qemuLogLine(device: "d", event: .reset, tid: 7, ts: 5_000_123_999),
                       "7@5.000123:pflash_reset d: reset")
    }

    func testStarWidthIsDigitCount() throws {
        let e = try parseEvent("pflash_sector_erase_start musicpal.flash: start sector erase at: 0x0000-0x3fff")
        XCTAssertEqual(e.event, FlashEvent(.sectorEraseStart, 4, 0, 4, 0x3fff))
        let wide = try parseEvent("pflash_sector_erase_start musicpal.flash: start sector erase at: 0x10000-0x1ffff")
        XCTAssertEqual(wide.event, FlashEvent(.sectorEraseStart, 5, 0x10000, 5, 0x1ffff))
        XCTAssertTrue(qemuLogEquivalent(wide.event, FlashEvent(.sectorEraseStart, 4, 0x10000, 4, 0x1ffff)))
        XCTAssertFalse(qemuLogEquivalent(wide.event, FlashEvent(.sectorEraseStart, 6, 0x10000, 4, 0x1ffff)))
    }

    func testOuterEvents() throws {
        let e = try parseEvent("pflash_outer_read virt.flash0: addr:0x4000000 len:4 value:0xffffffff")
        XCTAssertEqual(e.event, FlashEvent(.outerRead, 0x4000000, 4, 0xffffffff))
    }

    func testNotEvents() throws {
        var parser = QemuLogParser()
        for line in [
            "",
            "pflash_write: Unimplemented flash cmd sequence (offset 0000000000000000, wcycle 0x1 cmd 0x20 value 0x700070)",
            "pflash_write: Write to buffer emulation is flawed",
            "17157@1795645194.220881:memory_region_ops_read cpu 0 mr 0x5 addr 0x0 value 0x0 size 4",
            "virtio_blk_req_complete req 0x1 status 0",
            "pflash_reset virt.flash1:reset",
            "pflash_reset virt.flash1 reset",
            "123@45.67:pflash_reset d: reset",
            "pflash_ d: x",
        ] {
            XCTAssertEqual(try parser.parse(line), .notAnEvent, line)
        }
        // An event of a QEMU other than the vocabulary's (pflash_write_block is QEMU 6.0 – 7.2.8's).
        XCTAssertEqual(try parser.parse("pflash_write_blocks virt.flash1: block write: bytes:0x1f"),
                       .unknownEvent("pflash_write_blocks"))
    }

    func testMalformed() {
        var parser = QemuLogParser()
        let cases: [(String, String)] = [
            ("pflash_io_write virt.flash1: offset:0x0000 sise:4 value:0x900090 wcycle:0", "expected \"size:\" after offset"),
            ("pflash_io_write virt.flash1: offset:0xg size:4 value:0x1 wcycle:0", "expected hex digits for offset"),
            ("pflash_io_write virt.flash1: offset:0x0 size:x value:0x1 wcycle:0", "expected decimal digits for size"),
            ("pflash_io_write virt.flash1: offset:0x0 size:4 value:0x1 wcycle:256", "wcycle 256 does not fit uint8"),
            ("pflash_io_write virt.flash1: offset:0x0 size:4 value:0x100000000 wcycle:0", "value 0x100000000 does not fit uint32"),
            ("pflash_io_write virt.flash1: offset:0x10000000000000000 size:4 value:0x1 wcycle:0", "does not fit uint64"),
            ("pflash_io_write virt.flash1: offset:0x0 size:4 value:0x1 wcycle:0 extra", "unexpected \" extra\" after wcycle"),
            ("pflash_reset virt.flash1: rest", "expected \"reset\""),
            ("pflash_io_write virt.flash1: offset:0x0 size:99999999999999999999 value:0x1 wcycle:0", "does not fit uint32"),
        ]
        for (line, message) in cases {
            XCTAssertThrowsError(try parser.parse(line, lineNumber: 12), line) { error in
                guard let e = error as? TraceFormatError else { return XCTFail("\(error)") }
                XCTAssertEqual(e.line, 12)
                XCTAssertTrue(e.message.contains(message), "\(e.message) lacks \(message)")
                XCTAssertTrue(e.message.hasPrefix("pflash_"), e.message)
            }
        }
    }

    func testReaderCountsAndTruncation() throws {
        let text = """
        pflash_reset virt.flash1: reset
        pflash_write: Unimplemented flash cmd sequence (offset 0000000000000000, wcycle 0x1 cmd 0x20 value 0x700070)
        pflash_write_blocks virt.flash1: block write: bytes:0x1f
        pflash_io_write virt.flash1: offset:0x0000 size:4 value:0x900090 wcycle:0
        pflash_io_write virt.flash1: offset:0x0000 si
        """
        var reader = QemuLogReader(bytes: Array(text.utf8), chunkSize: 7)
        let first = try XCTUnwrap(reader.next())
        XCTAssertEqual(first.seq, 0)
        XCTAssertEqual(reader.lineNumber, 1)
        let second = try XCTUnwrap(reader.next())
        XCTAssertEqual(second.seq, 1)
        XCTAssertEqual(second.event, .ioWrite(0, 4, 0x900090, wcycle: 0))
        XCTAssertEqual(reader.lineNumber, 4)
        XCTAssertNil(try reader.next())
        XCTAssertTrue(reader.truncatedLastLine)
        XCTAssertEqual(reader.skippedLines, 1)
        XCTAssertEqual(reader.unknownEvents, ["pflash_write_blocks": 1])

        var bad = QemuLogReader(bytes: Array("pflash_reset d: reset\npflash_reset d: nope\n".utf8))
        XCTAssertNotNil(try bad.next())
        XCTAssertThrowsError(try bad.next()) { XCTAssertEqual(($0 as? TraceFormatError)?.line, 2) }
    }

    /// The templates are the spec's, and parse/format agree on every kind with extreme values.
    func testEveryKindRoundTrips() throws {
        var parser = QemuLogParser()
        for kind in EventKind.allCases {
            var event = FlashEvent(kind)
            for (k, arg) in kind.spec.args.enumerated() {
                if arg.type == .string { event.text = "some text: with (parens)" } else { event[argument: k] = arg.type.maxValue }
            }
            if kind == .sectorEraseStart { event = FlashEvent(kind, 16, 0xff, 16, UInt64.max) }
            let line = qemuLogLine(device: "dev.x", event: event)
            guard case .event(let e) = try parser.parse(line) else { XCTFail(line); continue }
            XCTAssertEqual(e.event, event, line)
            XCTAssertEqual(e.device, "dev.x")
        }
    }
}

extension QemuLogTests {
    func testCutOffNonEventIsTruncation() throws {
        var reader = QemuLogReader(bytes: Array("pflash_reset d: reset\npflash_io_wr".utf8))
        XCTAssertNotNil(try reader.next())
        XCTAssertNil(try reader.next())
        XCTAssertTrue(reader.truncatedLastLine)
        XCTAssertEqual(reader.skippedLines, 0)
    }
}
