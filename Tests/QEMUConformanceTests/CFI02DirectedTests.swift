import XCTest

// Directed cases for every CFI02 command path (spec §3.4–§3.10), written once over the bus
// layout so they run on musicpal (width 2), xilinx-zynq-a9 (width 1) and canon-a1100 (width 4):
// word address w is byte offset w << shift, unlock addresses 0x555/0x2AA, CFI entry at word 0x55.
//
// QEMU runs paused (-S) without the qtest accelerator, so the virtual clock never advances and
// erase timers never fire: erases stay pending on both sides (the model's clock only moves on
// clock_step, which these scripts never use). Timer expiry is covered by the golden erase case.
// Cases run in order in one QEMU; state that survives system_reset (ROMD, bypass, status, a
// pending erase) carries over identically on both sides.

struct CFI02Layout {
    var width: Int
    var chip: UInt64
    var mappings: UInt64
    /// Length of the sectors at the start of the chip.
    var sector: UInt64

    var shift: Int { width == 2 ? 1 : width == 4 ? 2 : 0 }
    func word(_ w: UInt64) -> UInt64 { w << UInt64(shift) }
    var a0: UInt64 { word(0x555) }
    var a1: UInt64 { word(0x2AA) }
    var cfi: UInt64 { word(0x55) }
    /// Byte offset of the next mapping (alias) of the chip, or of the chip itself when there is one.
    var alias: UInt64 { mappings > 1 ? chip : 0 }

    static let musicpal = CFI02Layout(width: 2, chip: 8 << 20, mappings: 4, sector: 0x10000)
    static let zynq = CFI02Layout(width: 1, chip: 64 << 20, mappings: 1, sector: 0x20000)
    static let canon = CFI02Layout(width: 4, chip: 4 << 20, mappings: 32, sector: 0x10000)
}

extension Ops {
    mutating func unlock(_ L: CFI02Layout, size: Int? = nil) {
        w(size ?? L.width, L.a0, 0xAA); w(size ?? L.width, L.a1, 0x55)
    }
    /// Unlock and a command at unlock address 0 (0x80 erase setup, 0x90 autoselect, 0xA0 program, 0x20 bypass).
    mutating func command(_ L: CFI02Layout, _ c: UInt64) { unlock(L); w(L.width, L.a0, c) }
    mutating func program(_ L: CFI02Layout, _ offset: UInt64, _ value: UInt64, size: Int? = nil) {
        command(L, 0xA0); w(size ?? L.width, offset, value)
    }
    /// Erase setup and its second unlock; the erase command itself follows.
    mutating func eraseSetup(_ L: CFI02Layout) { command(L, 0x80); unlock(L) }
}

enum CFI02Cases {
    static func directed(_ L: CFI02Layout, base b: UInt64) -> [FlashCase] {
        var cases: [FlashCase] = []
        func add(_ name: String, _ build: (inout Ops) -> Void) { cases.append(FlashCase(name, base: b, build)) }
        let W = L.width
        let S = L.sector

        add("reads in ROMD mode are not traced") { o in
            o.r(2, 0x100); o.r(4, 0); o.r(1, 1); o.r(8, 0x10); o.r(2, L.alias + 0x100)
        }
        add("autoselect: IDs, array data elsewhere, 256-byte mirror, mappings") { o in
            o.command(L, 0x90)
            for w: UInt64 in [0, 1, 2, 3, 0xE, 0xF, 0x10, 0x7F] { o.r(W, L.word(w)) }
            for off: UInt64 in [0x100, 0x200, 0x202, L.alias, 2 * L.alias + 2, 3 * L.alias + L.word(1)] { o.r(W, off) }
            o.r(4, 0); o.r(2, 0); o.r(1, 0); o.r(1, 1); o.r(1, 2); o.r(1, 3); o.r(8, 0); o.r(4, L.word(0xE))
            o.w(W, 0, 0xF0)
            for i: UInt64 in 0..<4 { o.r(W, 0x20 + UInt64(W) * i) }
        }
        add("CFI query from read mode at word 0x55") { o in
            o.w(W, L.cfi, 0x98)
            for off in [L.word(0x10), L.word(0x11), L.word(0x12), L.alias + L.word(0x10) + 0x200] { o.r(W, off) }
            o.r(4, L.word(0x10)); o.r(1, L.word(0x10) + 1); o.r(1, L.word(0x10)); o.r(8, L.word(0x10))
            for k: UInt64 in 0x0E...0x50 { o.r(W, L.word(k)) }
            o.w(W, 0, 0xF0); o.r(W, L.word(0x10))
        }
        add("CFI entry compares 11 word-address bits (word 0x855); narrow entry") { o in
            o.w(W, L.word(0x855), 0x98); o.r(W, L.word(0x10)); o.w(W, 0, 0xF0)
            o.w(1, L.cfi, 0x98); o.r(W, L.word(0x11)); o.w(1, 0, 0xF0)
        }
        add("0x98 elsewhere is a failed unlock") { o in
            o.w(W, L.word(0x56), 0x98); o.r(W, L.word(0x10)); o.w(W, L.a0, 0x98); o.r(W, L.word(0x10))
        }
        add("any write in CFI mode exits it") { o in
            o.w(W, L.cfi, 0x98); o.w(W, L.cfi, 0x98); o.r(W, L.word(0x10))
            o.w(W, L.cfi, 0x98); o.w(W, 0, 0x00); o.r(W, L.word(0x10))
            o.w(W, L.cfi, 0x98); o.w(W, L.a0, 0xAA); o.r(W, L.word(0x10))
        }
        add("CFI from autoselect: F0 returns to autoselect, then to read") { o in
            o.command(L, 0x90); o.r(W, 0); o.w(W, L.cfi, 0x98); o.r(W, L.word(0x10)); o.r(W, L.word(0x11))
            o.w(W, 0, 0xF0); o.r(W, 0); o.r(W, L.word(1)); o.w(W, 0, 0xF0); o.r(W, 0)
        }
        add("CFI from autoselect: other writes exit to read") { o in
            o.command(L, 0x90); o.w(W, L.cfi, 0x98); o.w(W, 0, 0x90); o.r(W, 0)
        }
        add("program ANDs, status toggles DQ6 between A0 and the data") { o in
            o.command(L, 0xA0); o.r(W, 0x100); o.r(W, 0x100); o.r(4, 0x100); o.w(W, 0x100, 0x0FF0); o.r(W, 0x100)
            o.program(L, 0x100, 0xF0F0); o.r(W, 0x100)
            o.command(L, 0xA0); o.r(1, 0x300); o.w(W, 0x300, 0x7F7F); o.r(W, 0x300)
        }
        add("program: F0 is data while A0 waits") { o in
            o.command(L, 0xA0); o.r(W, 0x304); o.w(W, 0x304, 0x00F0); o.r(W, 0x304)
        }
        add("program 1-, 2-, 4- and 8-byte data") { o in
            o.program(L, 0x401, 0x12, size: 1); o.r(2, 0x400)
            o.program(L, 0x402, 0x3456, size: 2); o.r(2, 0x402)
            o.program(L, 0x404, 0x0102_0304, size: 4); o.r(4, 0x404)
            o.command(L, 0xA0); o.w(8, 0x408, 0x0000_0000_5555_AAAA); o.r(8, 0x408)
        }
        add("unlock failures: unlock0 address, unlock0 value, unlock1 address and value") { o in
            o.w(W, L.word(0x554), 0xAA); o.r(W, 0)
            o.w(W, L.a0, 0xAB); o.r(W, 0)
            o.w(W, L.a0, 0xAA); o.w(W, L.word(0x2AB), 0x55); o.r(W, 0)
            o.w(W, L.a0, 0xAA); o.w(W, L.a1, 0x56); o.r(W, 0)
        }
        add("command failures: write_failed, write_unknown, write_invalid") { o in
            o.unlock(L); o.w(W, L.word(0x554), 0x80); o.r(W, 0)
            o.command(L, 0x77); o.r(W, 0)
            o.command(L, 0x90); o.w(W, 0, 0x77); o.r(W, 0)
            o.command(L, 0x90); o.w(W, L.a0, 0x98); o.r(W, 0)
        }
        add("erase-setup failures: chip_erase_invalid, write_invalid_command, unlocks") { o in
            o.eraseSetup(L); o.w(W, L.word(0x554), 0x10); o.r(W, 0)
            o.eraseSetup(L); o.w(W, L.a0, 0x44); o.r(W, 0)
            o.command(L, 0x80); o.w(W, L.a0, 0x98); o.r(W, 0)
            o.command(L, 0x80); o.w(W, L.a0, 0xAA); o.w(W, L.a1, 0x54); o.r(W, 0)
            o.command(L, 0x80); o.w(W, L.a0, 0xB0); o.unlock(L); o.w(W, 0, 0xF0)
            o.command(L, 0x80); o.w(W, 0, 0x30); o.r(W, 0)
        }
        add("CFI entered from erase setup cycle 3") { o in
            o.command(L, 0x80); o.w(W, L.cfi, 0x98); o.r(W, L.word(0x10)); o.w(W, 0, 0xF0); o.r(W, L.word(0x10))
        }
        add("B0 ignored and 0x30 resets in read mode") { o in
            o.w(W, 0, 0xB0); o.r(W, 0); o.w(W, 0, 0x30); o.r(W, 0); o.w(4, 0, 0xB0); o.w(1, 0, 0x30)
        }
        add("unlock bypass: program anywhere, autoselect, 0x00 exit") { o in
            o.command(L, 0x20); o.r(W, 0x500)
            o.w(W, L.word(0x123), 0xA0); o.r(W, 0x500); o.w(W, 0x500, 0x1234); o.r(W, 0x500)
            o.w(W, L.word(7), 0xA0); o.w(W, 0x508, 0x00FF); o.r(W, 0x508)
            o.w(W, 0, 0x90); o.r(W, 0); o.r(W, L.word(1)); o.w(W, 0, 0x00); o.r(W, 0x500)
            o.w(W, L.word(0x123), 0xA0); o.w(W, 0x50C, 0); o.r(W, 0x50C)
        }
        add("unlock bypass: invalid autoselect write, unknown command, F0") { o in
            o.command(L, 0x20); o.w(W, 0, 0x90); o.w(W, 0, 0x12); o.r(W, 0)
            o.command(L, 0x20); o.w(W, 0x10, 0x44); o.r(W, 0)
            o.command(L, 0x20); o.w(W, 0x10, 0xF0); o.w(W, 0x10, 0xA0); o.r(W, 0)
        }
        add("unlock bypass survives a device reset") { o in
            o.command(L, 0x20); o.reset(); o.unlock(L); o.w(W, L.word(0x123), 0xA0); o.w(W, 0x510, 0x4321); o.r(W, 0x510)
            o.w(W, 0, 0xF0); o.r(W, 0x510)
        }
        add("lazy ROMD: 42 trapped reads in wcycle 0, the 43rd switches ROMD on") { o in
            o.w(W, 0, 0xB0)
            for i: UInt64 in 0..<46 { o.r(W, 0x20000 + UInt64(W) * i) }
            o.w(W, 0, 0xF0); o.r(W, 0)
        }
        add("lazy ROMD: reads outside wcycle 0 do not count") { o in
            o.w(W, 0, 0xB0)
            for _ in 0..<40 { o.r(W, 0x20000) }
            o.w(W, L.a0, 0xAA)
            for _ in 0..<10 { o.r(4, 0x20000) }
            o.w(W, 0, 0xF0)
            for _ in 0..<4 { o.r(W, 0x20000) }
        }
        add("sector erase: status while pending, second sector, F0 resets, data erased") { o in
            o.eraseSetup(L); o.w(W, S, 0x30)
            o.r(W, S); o.r(W, S); o.r(W, 2 * S); o.r(4, 0); o.r(1, 1); o.r(8, S)
            o.w(W, 3 * S + 2 * UInt64(W), 0x30); o.r(W, 3 * S); o.w(W, S, 0xF0)
            o.r(W, S); o.r(W, 3 * S); o.r(W, 2 * S)
        }
        add("sector erase: suspend, suspended-sector status, programs, resume") { o in
            o.eraseSetup(L); o.w(W, 5 * S, 0x30); o.r(W, 5 * S)
            o.w(W, 0, 0xB0); o.r(W, 5 * S); o.r(W, 5 * S); o.r(W, 6 * S)
            o.program(L, 6 * S, 0x1111); o.r(W, 6 * S)
            o.program(L, 5 * S, 0x2222); o.r(W, 5 * S)
            o.eraseSetup(L); o.w(W, 7 * S, 0x30); o.r(W, 7 * S)
            o.command(L, 0x90); o.r(W, 0); o.w(W, 0, 0xF0)
            o.w(W, 0, 0x30); o.r(W, 0); o.r(W, 5 * S); o.w(W, 0, 0xF0); o.w(W, 0, 0xB0); o.r(W, 0)
            o.reset(); o.r(W, 5 * S)
        }
        add("sector erase in bypass mode") { o in
            o.command(L, 0x20); o.w(W, L.word(0x321), 0x80); o.unlock(L); o.w(W, 4 * S, 0x30); o.r(W, 4 * S)
            o.w(W, 4 * S, 0x00); o.r(W, 4 * S)
        }
        add("reads of every size and alignment in each mode") { o in
            o.w(W, 0, 0xB0); o.r(1, 0x11); o.r(2, 0x12); o.r(4, 0x14); o.r(8, 0x18); o.r(4, 0x1001); o.r(2, 0x1003); o.r(8, 0x1005)
            o.command(L, 0x90); o.r(4, 1); o.r(2, 1); o.r(8, 3); o.w(W, 0, 0xF0)
            o.w(W, L.cfi, 0x98); o.r(4, L.word(0x10) + 1); o.r(8, L.word(0x10) - 1); o.w(W, 0, 0xF0)
            o.command(L, 0xA0); o.r(4, 0x3); o.r(8, 0); o.w(W, 0x600, 0xFFFF)
        }
        add("writes of 1, 2, 4 and 8 bytes, unaligned, high address bits") { o in
            o.unlock(L, size: 1); o.w(1, L.a0, 0x90); o.r(W, 0); o.w(4, 0, 0xF0)
            o.unlock(L, size: 4); o.w(4, L.a0, 0x90); o.r(W, L.word(1)); o.w(W, 0, 0xF0)
            o.unlock(L, size: 2); o.w(2, L.a0, 0x90); o.r(W, L.word(1)); o.w(W, 0, 0xF0)
            o.w(8, L.a0, 0x0000_0055_0000_00AA); o.r(W, 0)
            o.w(8, L.a0 & ~7, 0x0000_00AA_0000_0000); o.r(W, 0)
            o.w(W, L.word(0x5555), 0xAA); o.w(W, L.word(0x2AAA), 0x55); o.w(W, L.word(0x5555), 0x90); o.r(W, 0); o.w(W, 0, 0xF0)
        }
        // QEMU maps each alias onto the chip's region, so the device sees (and traces) the offset
        // inside the chip, whichever mapping the write went through.
        add("writes through the upper mappings (aliases)") { o in
            o.w(W, L.alias + L.a0, 0xAA); o.w(W, 2 * L.alias + L.a1, 0x55); o.w(W, 3 * L.alias + L.a0, 0x90)
            o.r(W, 3 * L.alias); o.w(W, 0, 0xF0)
            o.command(L, 0xA0); o.w(2, L.alias + 0x410, 0x3C3C); o.r(2, 0x410)
        }
        // Last: the chip erase fills the whole chip with 0xFF and leaves the device busy.
        add("chip erase: status, every write ignored, device reset") { o in
            o.eraseSetup(L); o.w(W, L.a0, 0x10); o.r(W, 0); o.r(W, 0); o.r(4, L.chip / 2)
            o.w(W, 0, 0xF0); o.w(W, 0, 0xB0); o.unlock(L); o.r(W, 0)
            o.reset(); o.r(W, 0x100); o.w(W, 0, 0xB0); o.r(W, 0x100); o.r(2, L.chip - 2)
        }
        return cases
    }

    /// Non-uniform geometry (musicpal with 4 erase regions): CFI region table and sector erase
    /// ranges at region boundaries (each erase is left pending and cancelled inside its window).
    static func geometry(_ L: CFI02Layout, base b: UInt64, sectorStarts: [UInt64]) -> [FlashCase] {
        [
            FlashCase("geometry: CFI region table", base: b) { o in
                o.w(L.width, L.cfi, 0x98)
                for k: UInt64 in 0x27...0x3C { o.r(L.width, L.word(k)) }
                o.w(L.width, 0, 0xF0)
            },
            FlashCase("geometry: sector erase at every region boundary", base: b) { o in
                for start in sectorStarts {
                    for off in [start, start + 0x1002] {
                        o.eraseSetup(L); o.w(L.width, off, 0x30); o.r(L.width, off); o.w(L.width, 0, 0xF0)
                    }
                }
                o.eraseSetup(L)
                for start in sectorStarts { o.w(L.width, start, 0x30) }
                o.r(L.width, 0); o.w(L.width, 0, 0x00)
                for start in sectorStarts { o.r(L.width, start) }
            },
        ]
    }
}

final class CFI02DirectedTests: XCTestCase {
    func testMusicpalWidth2CommandPaths() throws {
        try assertConformance(.musicpal, CFI02Cases.directed(.musicpal, base: 0xFE00_0000))
    }

    func testZynqWidth1CommandPaths() throws {
        try assertConformance(.zynq, CFI02Cases.directed(.zynq, base: 0xE200_0000))
    }

    func testCanonWidth4CommandPaths() throws {
        try assertConformance(.canon, CFI02Cases.directed(.canon, base: 0xF800_0000))
    }

    func testMusicpalTopBootGeometry() throws {
        let starts: [UInt64] = [0, 0x10000, 0x7E0000, 0x7F0000, 0x7F8000, 0x7FA000, 0x7FC000]
        try assertConformance(.musicpalTopBoot, CFI02Cases.geometry(.musicpal, base: 0xFE00_0000, sectorStarts: starts))
    }

    func testMusicpalBottomBootGeometry() throws {
        let starts: [UInt64] = [0, 0x4000, 0x6000, 0x8000, 0x10000, 0x20000, 0x7F0000]
        try assertConformance(.musicpalBottomBoot, CFI02Cases.geometry(.musicpal, base: 0xFE00_0000, sectorStarts: starts))
    }
}
