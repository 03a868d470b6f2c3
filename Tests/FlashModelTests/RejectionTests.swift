import XCTest
import FlashEvents
import FlashModel
import FlashTraceIO

/// What the models reject (`FlashDevice.rejection`), write by write, in each QEMU era: the places
/// where QEMU's ERROR exit, a failed CFI02 sequence, a dropped buffered word or a read-only
/// device refuse what the guest asked for (spec §2.5, §2.10, §3.4, §1.2).
final class RejectionTests: XCTestCase {
    let virt = "cfi01,name=virt.flash1,addr=0x0,num-blocks=256,sector-length=256K,width=4,device-width=2,id0=0x89,id1=0x18"
    let musicpal = "cfi02,name=musicpal.flash,addr=0x0,num-blocks=128,sector-length=64K,width=2,mappings=4,id0=0xbf,id1=0x236d,unlock-addr0=0x5555,unlock-addr1=0x2aaa"
    let rep: (UInt32) -> UInt32 = { $0 | $0 << 16 }

    func device(_ spec: String, era: PflashEra = .bufferAtCount, readonly: Bool = false) throws -> FlashDevice {
        var c = try DeviceSpec.parse(spec)
        c.era = era
        c.readonly = readonly
        return try makeDevice(c)
    }

    /// Writes each (offset, value) in turn and returns the rejection after each.
    func rejections(_ d: FlashDevice, _ writes: [(UInt64, UInt32)], size: Int = 4) -> [Rejection?] {
        writes.map { offset, value in
            d.write(offset: offset, size: size, value: value)
            d.events.removeAll()
            return d.rejection
        }
    }

    func testUnknownCommandInEveryEra() throws {
        for era in PflashEra.allCases {
            let d = try device(virt, era: era)
            let r = rejections(d, [(0x100, rep(0xEE)), (0x100, rep(0xFF))])
            XCTAssertEqual(r[0], Rejection(.unknownCommand, command: 0xEE, pending: 0, wcycle: 0, size: 4, value: rep(0xEE), offset: 0x100), "\(era)")
            XCTAssertNil(r[1], "\(era): the next write clears it")
            // A confirm with nothing to confirm is a command in the wrong place, not an unknown byte.
            XCTAssertEqual(rejections(d, [(0, rep(0xD0))])[0]?.kind, .confirmWithoutSetup, "\(era)")
        }
    }

    /// Count 0, one data word, 0xD0: 9.0.1 and later drop the word (a real part programs it) and
    /// abort; earlier eras program it and reject nothing.
    func testOneWordBufferedWrite() throws {
        for era in PflashEra.allCases {
            let d = try device(virt, era: era)
            let r = rejections(d, [(0x100, rep(0xE8)), (0x100, 0), (0x100, 0x1234_5678), (0x100, rep(0xD0))])
            XCTAssertNil(r[0], "\(era)")
            XCTAssertNil(r[1], "\(era)")
            if era == .bufferAtFirstData {
                XCTAssertEqual(r[2]?.kind, .oneWordBufferDropped)
                XCTAssertEqual(r[2]?.realPart, .programs)
                XCTAssertEqual(r[2]?.offset, 0x100)
                XCTAssertEqual(r[3]?.kind, .bufferAbortedByStatus, "the confirm finds status 0x10")
            } else {
                XCTAssertNil(r[2], "\(era)")
                XCTAssertNil(r[3], "\(era)")
                XCTAssertEqual(d.contents(0x100, 4), 0x1234_5678, "\(era)")
            }
        }
    }

    /// Data outside the write-buffer window: 7.2.9 – 9.0.0 anchor it at the count write (a real
    /// part at the first data write); 9.0.1 and later at the first data write; before the update
    /// buffer there is no window.
    func testDataOutsideTheWindow() throws {
        for era in PflashEra.allCases {
            let d = try device(virt, era: era)
            let r = rejections(d, [(0x2000, rep(0xE8)), (0x2000, rep(1)), (0x9000, 0x1111_1111), (0x2000, 0x2222_2222)])
            switch era {
            case .directWrite:
                XCTAssertEqual(r.compactMap { $0 }, [])
            case .bufferAtCount:
                XCTAssertEqual(r[2]?.kind, .bufferDataOutsideWindow)
                XCTAssertEqual(r[2]?.realPart, .windowAtFirstData)
                XCTAssertEqual(r[2]?.range, ByteRange(start: 0x2000, end: 0x3000))
                XCTAssertNil(r[3], "inside the window")
            case .bufferAtFirstData:
                XCTAssertNil(r[2], "the first data write opens the window")
                XCTAssertEqual(r[3]?.kind, .bufferDataOutsideWindow)
                XCTAssertEqual(r[3]?.realPart, .rejects)
                XCTAssertEqual(r[3]?.range, ByteRange(start: 0x9000, end: 0xA000))
            }
        }
    }

    /// A confirm that is not 0xD0: before the update buffer the data is in the array already.
    func testBufferNotConfirmed() throws {
        for era in PflashEra.allCases {
            let d = try device(virt, era: era)
            let r = rejections(d, [(0x100, rep(0xE8)), (0x100, rep(1)), (0x100, 1), (0x104, 2), (0x100, rep(0xFF))])
            XCTAssertEqual(r[4]?.kind, .bufferNotConfirmed, "\(era)")
            XCTAssertEqual(r[4]?.realPart, era == .directWrite ? .leavesArray : .rejects, "\(era)")
        }
    }

    func testCFI01SequenceErrors() throws {
        let d = try device(virt)
        XCTAssertEqual(rejections(d, [(0x40000, rep(0x20)), (0x40000, rep(0x70))]).map { $0?.kind }, [nil, .eraseNotConfirmed])
        XCTAssertEqual(d.rejection?.realPart, .leavesArray)
        XCTAssertEqual(d.rejection?.pending, 0x20)
        XCTAssertEqual(d.rejection?.wcycle, 1)
        XCTAssertEqual(rejections(d, [(0, rep(0x60)), (0, rep(0x2F))]).map { $0?.kind }, [nil, .lockNotConfirmed])
        // 0x400 + 1 bus writes of 4 bytes do not fit the 4 KiB buffer of two x16 chips.
        XCTAssertEqual(rejections(d, [(0, rep(0xE8)), (0, rep(0x3FF))]).map { $0?.kind }, [nil, nil])
        d.reset()
        XCTAssertEqual(rejections(d, [(0, rep(0xE8)), (0, rep(0x400))]).map { $0?.kind }, [nil, .bufferCountTooLarge])
    }

    func testReadOnlyCFI01() throws {
        for era in PflashEra.allCases {
            let d = try device(virt, era: era, readonly: true)
            // A program: the setup is rejected, standing for the sequence; its data is not again.
            XCTAssertEqual(rejections(d, [(0x100, rep(0x40)), (0x100, 0)]).map { $0?.kind }, [.readOnlyCommand, nil], "\(era)")
            // A buffered write: likewise, whatever the era does with the data.
            XCTAssertEqual(rejections(d, [(0, rep(0xFF)), (0, rep(0xE8)), (0, 0), (0, 5), (0, rep(0xD0))]).map { $0?.kind },
                           [nil, .readOnlyCommand, nil, nil, nil], "\(era)")
            // Stray stores (AAVMF's 64-bit store to the code flash), 0x00 included; read commands pass.
            XCTAssertEqual(rejections(d, [(0x1CB20, 0x17384), (0x1CB24, 0), (0, rep(0x70)), (0, rep(0x90)), (0, rep(0xFF))]).map { $0?.kind },
                           [.readOnlyStore, .readOnlyStore, nil, nil, nil], "\(era)")
            XCTAssertEqual(rejections(d, [(0x40000, rep(0x20))])[0]?.range, ByteRange(start: 0x40000, end: 0x80000), "the block")
        }
        // 0x00 on a writable device is QEMU's read array, nothing rejected.
        XCTAssertNil(rejections(try device(virt), [(0, 0)])[0])
    }

    func testCFI02() throws {
        let d = try device(musicpal)
        let r = rejections(d, [(0xAAAA, 0xAA), (0x5556, 0x55), (0xAAAA, 0xAA), (0x5554, 0x55), (0xAAAA, 0x77)], size: 2)
        XCTAssertEqual(r.map { $0?.kind }, [nil, .secondUnlockFailed, nil, nil, .unknownCommand])
        XCTAssertEqual(r[4]?.wcycle, 2)
        XCTAssertEqual(rejections(d, [(0x100, 0x1234)], size: 2)[0]?.kind, .unknownCommand, "no command byte at wcycle 0")
        XCTAssertEqual(rejections(d, [(0x100, 0x80)], size: 2)[0]?.kind, .firstUnlockFailed, "a command byte off its sequence")
        // A read clears it.
        _ = d.read(offset: 0, size: 2)
        XCTAssertNil(d.rejection)

        let ro = try device(musicpal, readonly: true)
        let unlock: [(UInt64, UInt32)] = [(0xAAAA, 0xAA), (0x5554, 0x55)]
        XCTAssertEqual(rejections(ro, unlock + [(0xAAAA, 0xA0), (0x200, 0x00)], size: 2).map { $0?.kind },
                       [nil, nil, nil, .readOnlyProgram])
        XCTAssertEqual(ro.rejection?.range, ByteRange(start: 0x200, end: 0x202))
        XCTAssertEqual(rejections(ro, unlock + [(0xAAAA, 0x80)] + unlock + [(0x10000, 0x30)], size: 2).last??.kind, .readOnlySectorErase)
        XCTAssertEqual(ro.rejection?.range, ByteRange(start: 0x10000, end: 0x20000))
        XCTAssertEqual(rejections(try device(musicpal, readonly: true), [(0x300, 0x1234)], size: 2)[0]?.kind, .readOnlyStore)
    }
}
