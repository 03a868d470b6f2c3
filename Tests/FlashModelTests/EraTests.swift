import XCTest
import FlashEvents
import FlashModel
import FlashTraceIO

/// CFI01's write-to-buffer in each QEMU era, event for event, as QEMU's sources have it (spec
/// §2.10; hw/block/pflash_cfi01.c and trace-events at commit 284a7ee2e290 "implement update
/// buffer for block writes", at its parent, and at 2563be6317fa "fix block write start").
/// 7.2.22 and 10.0.2 are also compared with the running QEMUs (QEMUConformanceTests); the parent of
/// 284a7ee2e290 (QEMU 6.0 – 7.2.8, 8.0, 8.1.0 – 8.1.4, 8.2.0) is checked here only.
final class EraTests: XCTestCase {
    let base: UInt64 = 0x0400_0000
    let rep: (UInt64) -> UInt64 = { $0 | $0 << 16 }

    func bus(_ era: PflashEra, readonly: Bool = false) throws -> FlashBus {
        var c = try DeviceSpec.parse("cfi01,name=virt.flash1,addr=0x4000000,num-blocks=256,sector-length=256K,width=4,device-width=2,id0=0x89,id1=0x18")
        c.era = era
        c.readonly = readonly
        return FlashBus(devices: [try makeDevice(c)])
    }

    /// 0xE8 at A, count 1 (two data writes), data at A and A+4, confirm 0xD0; the events after each write.
    func sequence(_ bus: FlashBus, count: UInt64 = 1, data: [UInt64] = [0x1111_1111, 0x2222_2222]) throws -> [[FlashEvent]] {
        var out: [[FlashEvent]] = []
        func w(_ offset: UInt64, _ value: UInt64) throws {
            try bus.write(base + offset, size: 4, value: value)
            out.append(bus.output.map(\.event).filter { $0.kind != .ioWrite })
            bus.output.removeAll()
        }
        try w(0x100, rep(0xE8))
        try w(0x100, rep(count))
        for (i, v) in data.enumerated() { try w(0x100 + UInt64(4 * i), v) }
        try w(0x100, rep(0xD0))
        return out
    }

    func testBeforeTheUpdateBuffer() throws {
        let b = try bus(.directWrite)
        XCTAssertEqual(try sequence(b), [
            [.write(.writeToBuffer)],
            [FlashEvent(.writeBlock, 1)],                                          // pflash_write_block(name, 1) at the count write
            [FlashEvent(.dataWriteCounted, 0x100, 4, 0x1111_1111, 1)],               // straight to storage, counter before the decrement
            [FlashEvent(.dataWriteCounted, 0x104, 4, 0x2222_2222, 0), .write(.blockWriteFinished)],
            [],                                                                    // 0xD0: no event, status mode stays
        ])
        XCTAssertEqual(b.devices[0].contents(0x100, 4), 0x1111_1111, "stored before the confirm")
        XCTAssertEqual(b.devices[0].wcycle, 0)
        XCTAssertFalse(b.devices[0].romd)
        // Data far from the count address is taken too: there is no window.
        let far = try bus(.directWrite)
        _ = try sequence(far, count: 0, data: [0x3333_3333])
        try far.write(base + 0x100, size: 4, value: rep(0xE8)); try far.write(base + 0x100, size: 4, value: 0)
        try far.write(base + 0x8000, size: 4, value: 0x4444_4444)
        XCTAssertEqual(far.devices[0].contents(0x8000, 4), 0x4444_4444)
        // Any other confirm: read-array mode, nothing undone, no abort event.
        let other = try bus(.directWrite)
        let events = try sequence(other, count: 0, data: [0x5555_5555])
        XCTAssertEqual(events.last, [])
        try other.write(base + 0x200, size: 4, value: rep(0xE8)); try other.write(base + 0x200, size: 4, value: 0)
        try other.write(base + 0x200, size: 4, value: 0x6666_6666); bus0(other)
        try other.write(base + 0x200, size: 4, value: rep(0xFF))
        XCTAssertEqual(other.output.map(\.event).filter { $0.kind != .ioWrite }, [.modeReadArray])
        XCTAssertEqual(other.devices[0].contents(0x200, 4), 0x6666_6666)
    }

    func bus0(_ b: FlashBus) { b.output.removeAll() }

    func testWindowAtTheCountWrite() throws {
        XCTAssertEqual(try sequence(try bus(.bufferAtCount)), [
            [.write(.writeToBuffer)],
            [FlashEvent(.writeBlockStart, 1)],
            [FlashEvent(.dataWriteBlock, 0x100, 4, 0x1111_1111, 1)],
            [FlashEvent(.dataWriteBlock, 0x104, 4, 0x2222_2222, 0), .write(.blockWriteFinished)],
            [FlashEvent(.writeBlockFlush)],
        ])
    }

    func testWindowAtTheFirstDataWrite() throws {
        XCTAssertEqual(try sequence(try bus(.bufferAtFirstData)), [
            [.write(.writeToBuffer)],
            [],
            [FlashEvent(.writeBlockStart, 1), FlashEvent(.dataWriteBlock, 0x100, 4, 0x1111_1111, 1)],
            [FlashEvent(.dataWriteBlock, 0x104, 4, 0x2222_2222, 0), .write(.blockWriteFinished)],
            [FlashEvent(.writeBlockFlush)],
        ])
        // Count 0: no buffer opens, the word is dropped and the confirm aborts.
        let b = try bus(.bufferAtFirstData)
        XCTAssertEqual(try sequence(b, count: 0, data: [0x7777_7777]), [
            [.write(.writeToBuffer)], [], [.write(.blockWriteFinished)], [FlashEvent(.writeBlockAbort), .modeReadArray],
        ])
        XCTAssertNotEqual(b.devices[0].contents(0x100, 4), 0x7777_7777)
    }

    /// The older data_write in a QEMU log: same name, a fifth field; parsed and formatted back.
    func testCountedDataWriteInAQemuLog() throws {
        let line = "pflash_data_write virt.flash1: data offset:0x0100 size:4 value:0x11111111 counter:0x0000000000000001"
        var reader = QemuLogReader(bytes: Array((line + "\npflash_write_block virt.flash1: block write: bytes:0x1\n").utf8))
        let first = try XCTUnwrap(try reader.next())
        XCTAssertEqual(first.event, FlashEvent(.dataWriteCounted, 0x100, 4, 0x1111_1111, 1))
        XCTAssertEqual(qemuLogLine(device: first.device, event: first.event), line)
        XCTAssertEqual(try reader.next()?.event, FlashEvent(.writeBlock, 1))
        var plain = QemuLogReader(bytes: Array("pflash_data_write virt.flash1: data offset:0x0100 size:4 value:0x11111111\n".utf8))
        XCTAssertEqual(try plain.next()?.event.kind, .dataWrite)
    }

    func testVersionsMapToTheirEra() {
        let cases: [(String, PflashEra?)] = [
            ("5.2", nil), ("6.0", .directWrite), ("6.2.0", .directWrite), ("7.2.8", .directWrite), ("7.2.9", .bufferAtCount),
            ("7.2", .bufferAtCount), ("7.2.22", .bufferAtCount), ("8.0.5", .directWrite), ("8.1.4", .directWrite),
            ("8.1.5", .bufferAtCount), ("8.2.0", .directWrite), ("8.2.2", .bufferAtCount), ("9.0.0", .bufferAtCount),
            ("9.0.1", .bufferAtFirstData), ("9.0", .bufferAtFirstData), ("10.0.2", .bufferAtFirstData), ("11.1", .bufferAtFirstData),
        ]
        for (text, era) in cases { XCTAssertEqual(QEMUVersion(text)?.era, era, text) }
        for bad in ["", "10", "a.b", "1.2.3.4", "10..1", "99999.1"] { XCTAssertNil(QEMUVersion(bad), bad) }
        XCTAssertEqual(QEMUVersion("v7.2.22+dfsg-7")?.description, "7.2.22")
    }
}
