import XCTest

// Directed cases for every CFI01 command path (spec §2.5–§2.9) on AArch64 `virt` flash1
// (width 4, two x16 chips: commands are written replicated to both lanes, `rep`).

/// `c` in both 16-bit device lanes, as software for two x16 chips writes commands.
func rep(_ c: UInt64) -> UInt64 { c | c << 16 }

enum CFI01Cases {
    static func virt(base b: UInt64) -> [FlashCase] {
        var cases: [FlashCase] = []
        func add(_ name: String, _ build: (inout Ops) -> Void) { cases.append(FlashCase(name, base: b, build)) }

        add("reads in ROMD mode are not traced") { o in
            o.r(4, 0x40); o.r(1, 3); o.r(2, 6); o.r(8, 0x100)
        }
        add("program 0x40, status mode persists, 0xFF") { o in
            o.w(4, 0, rep(0x40)); o.r(4, 0x100); o.r(8, 0x100)
            o.w(4, 0x100, 0x12345678); o.r(4, 0x100); o.r(2, 0x102); o.r(1, 0x101); o.r(8, 0x100)
            o.w(4, 0, rep(0xFF)); o.r(4, 0x100)
        }
        add("program 0x10 of one byte lane") { o in
            o.w(4, 0, rep(0x10)); o.w(1, 0x101, 0xAB); o.r(4, 0); o.w(4, 0, rep(0xFF)); o.r(4, 0x100)
        }
        add("program with a low-lane 16-bit command and 16-bit data") { o in
            o.w(2, 0, 0x40); o.w(2, 0x206, 0xBEEF); o.r(2, 0x206); o.w(2, 0, 0xFF); o.r(4, 0x204)
        }
        add("program overwrites (no AND)") { o in
            o.w(4, 0, rep(0x40)); o.w(4, 0x100, 0xFFFF_FFFF); o.w(4, 0, rep(0xFF)); o.r(4, 0x100)
        }
        add("commands accepted from status mode after a program") { o in
            o.w(4, 0, rep(0x40)); o.w(4, 0x300, 0x0F0F_0F0F); o.r(4, 0x300)
            o.w(4, 0, rep(0x70)); o.r(4, 0); o.w(4, 0, rep(0x90)); o.r(4, 0); o.r(4, 4)
            o.w(4, 0, rep(0x98)); o.r(4, 0x40); o.w(4, 0, rep(0xFF)); o.r(4, 0x300)
        }
        add("data written in read-array mode is an unknown command") { o in
            o.w(4, 0x200, 0x1122_3344); o.r(4, 0x200); o.w(2, 0x202, 0x1234); o.w(1, 0x203, 0x99); o.r(4, 0x200)
        }
        add("erase 0x20 + 0xD0") { o in
            o.w(4, 0x40010, rep(0x20)); o.r(4, 0x40000); o.r(2, 0x40002)
            o.w(4, 0x40010, rep(0xD0)); o.r(4, 0); o.r(1, 0); o.r(8, 0)
            o.w(4, 0, rep(0xFF)); o.r(4, 0x40000); o.r(4, 0x3FFFC); o.r(4, 0x80000)
        }
        add("erase with a bad confirm (erase already done)") { o in
            o.w(4, 0x80000, rep(0x20)); o.w(4, 0x80000, rep(0x70)); o.r(4, 0x80000); o.r(4, 0x80004)
        }
        add("erase cancelled by 0xFF") { o in
            o.w(4, 0xC0004, rep(0x20)); o.w(4, 0xC0004, rep(0xFF)); o.r(4, 0xC0000)
        }
        add("erase with 1-byte commands at the sector's last byte") { o in
            o.w(1, 0xFFFFF, 0x20); o.r(1, 0xFFFFF); o.w(1, 0xFFFFF, 0xD0); o.r(4, 0xFFFFC); o.w(1, 0, 0xFF); o.r(4, 0xFFFFC)
        }
        add("0x50 clears the whole status register") { o in
            o.w(4, 0, rep(0x70)); o.r(4, 0); o.w(4, 0, rep(0x50)); o.r(4, 0)
            o.w(4, 0, rep(0x70)); o.r(4, 0); o.r(8, 0); o.w(4, 0, rep(0xFF))
        }
        for (second, name) in [(0x01, "0x01"), (0xD0, "0xD0"), (0xFF, "0xFF"), (0x2F, "lock-down 0x2F"),
                               (0x03, "read configuration 0x03"), (0x70, "0x70")] as [(UInt64, String)] {
            add("lock setup 0x60 then \(name)") { o in
                o.w(4, 0, rep(0x60)); o.r(4, 0); o.w(4, 0x40000, rep(second)); o.r(4, 0x40000); o.r(2, 0)
                o.w(4, 0, rep(0xFF)); o.r(4, 0)
            }
        }
        add("0x70 status reads of every size") { o in
            o.w(4, 0, rep(0x70)); o.r(1, 0); o.r(1, 1); o.r(1, 3); o.r(2, 0); o.r(2, 2); o.r(4, 0); o.r(4, 0x1000); o.r(8, 0)
            o.w(4, 0, rep(0x70)); o.r(4, 4); o.w(4, 0, rep(0xFF)); o.r(4, 0)
        }
        add("0x90 identifier reads") { o in
            o.w(4, 0, rep(0x90))
            for off: UInt64 in [0, 4, 8, 0xC, 0x10, 0x400, 0x404, 0x40000, 0x3FFFC] { o.r(4, off) }
            o.r(2, 0); o.r(2, 2); o.r(1, 4); o.r(1, 5); o.r(1, 7); o.r(8, 0); o.r(8, 0x3F8)
            o.w(4, 0, rep(0x98)); o.r(4, 0x40); o.w(4, 0, rep(0xFF)); o.r(4, 0)
        }
        add("0x98 the whole CFI table") { o in
            o.w(4, 0, rep(0x98))
            for k: UInt64 in 0...0x54 { o.r(4, 4 * k) }
            o.w(4, 0, rep(0xFF))
        }
        add("0x98 narrow, wide and 8-byte reads") { o in
            o.w(4, 0x154, rep(0x98))
            o.r(2, 0x40); o.r(1, 0x41); o.r(1, 0x43); o.r(2, 0x42); o.r(8, 0x40); o.r(8, 0x44)
            o.r(4, 0x148); o.r(4, 0x540); o.r(4, 0x1000040); o.r(2, 0x146)
            o.w(4, 0, rep(0xFF))
        }
        add("0x98 'leaving query mode' keeps query mode; only 0xFF exits") { o in
            o.w(4, 0, rep(0x98))
            for c: UInt64 in [0x70, 0x90, 0x98, 0xF0, 0x00, 0x50, 0x20, 0xE8, 0x40, 0xD0, 0x60] {
                o.w(4, 0, rep(c)); o.r(4, 0x40)
            }
            o.w(4, 0, rep(0xFF)); o.r(4, 0x40)
        }
        add("0x98 written to one lane, and 16-bit at +2") { o in
            o.w(4, 0, 0x98); o.r(4, 0x40); o.w(4, 0, 0xFF); o.r(4, 0x40)
            o.w(2, 2, 0x98); o.r(4, 0x44); o.w(2, 2, 0xFF); o.r(4, 0x44)
        }
        add("0xE8 buffered write, status polled in every cycle") { o in
            o.w(4, 0x2000, rep(0xE8)); o.r(4, 0x2000); o.w(4, 0x2000, rep(0x01)); o.r(4, 0x2000)
            o.w(4, 0x2000, 0x1234_5678); o.r(4, 0x2000); o.w(4, 0x2004, 0x9ABC_DEF0); o.r(4, 0x2000)
            o.w(4, 0x2000, rep(0xD0)); o.r(4, 0x2000); o.w(4, 0, rep(0xFF)); o.r(4, 0x2000); o.r(4, 0x2004)
        }
        add("0xE8 count 0 takes one (2-byte) write") { o in
            o.w(4, 0x2008, rep(0xE8)); o.w(4, 0x2008, 0); o.w(2, 0x2008, 0x5555); o.w(4, 0x2008, rep(0xD0))
            o.r(4, 0x2008); o.w(4, 0, rep(0xFF)); o.r(4, 0x2008)
        }
        add("0xE8 data outside the window: SR.4, abort at confirm") { o in
            o.w(4, 0x5000, rep(0xE8)); o.w(4, 0x5000, rep(1)); o.w(4, 0x7000, 0x1111_1111); o.w(4, 0x7004, 0x2222_2222)
            o.r(4, 0x7000); o.w(4, 0x7000, rep(0xD0)); o.r(4, 0x7000); o.w(4, 0, rep(0x70)); o.r(4, 0x7000)
            o.w(4, 0, rep(0xFF))
        }
        add("0xE8 SR.4 is sticky until 0x50") { o in
            o.w(4, 0x3000, rep(0xE8)); o.w(4, 0x3000, rep(0)); o.w(4, 0x3000, 0x3333_3333); o.w(4, 0x3000, rep(0xD0))
            o.r(4, 0x3000); o.w(4, 0, rep(0x50))
            o.w(4, 0x3000, rep(0xE8)); o.w(4, 0x3000, rep(0)); o.w(4, 0x3000, 0x1111_1111); o.w(4, 0x3000, rep(0xD0))
            o.r(4, 0x3000); o.w(4, 0, rep(0xFF)); o.r(4, 0x3000)
        }
        add("0xE8 aborted at confirm by 0xFF, and by 0x70") { o in
            o.w(4, 0x3004, rep(0xE8)); o.w(4, 0x3004, rep(0)); o.w(4, 0x3004, 0x4444_4444); o.w(4, 0x3004, rep(0xFF))
            o.r(4, 0x3004)
            o.w(4, 0x3008, rep(0xE8)); o.w(4, 0x3008, rep(0)); o.w(4, 0x3008, 0x5555_5555); o.w(4, 0x3008, rep(0x70))
            o.r(4, 0x3008)
        }
        add("0xE8 AAVMF style: count 0x1F001F, 32 words") { o in
            o.w(4, 0x4000, rep(0xE8)); o.w(4, 0x4000, rep(0x1F))
            for i: UInt64 in 0..<32 { o.w(4, 0x4000 + 4 * i, 0x0101_0101 &* (i + 1)) }
            o.r(4, 0x4000); o.w(4, 0x4000, rep(0xD0)); o.w(4, 0, rep(0xFF)); o.r(4, 0x4000); o.r(4, 0x407C)
        }
        add("0xE8 command bytes inside the count are data") { o in
            o.w(4, 0x6000, rep(0xE8)); o.w(4, 0x6000, rep(2)); o.w(4, 0x6000, 0x1234_5678); o.w(4, 0x6004, rep(0xD0))
            o.w(4, 0x6008, rep(0xD0)); o.r(4, 0x6000); o.w(4, 0x6000, rep(0xFF)); o.r(4, 0x6000); o.r(4, 0x6004)
        }
        add("0xE8 8-byte and unaligned data writes") { o in
            o.w(4, 0x6100, rep(0xE8)); o.w(4, 0x6100, rep(3)); o.w(8, 0x6100, 0x1111_1111_2222_2222)
            o.w(4, 0x6112, 0x3333_4444); o.w(4, 0x6100, rep(0xD0)); o.w(4, 0, rep(0xFF)); o.r(8, 0x6100); o.r(8, 0x6110)
        }
        add("0xE8 window crossing at the end of the 4 KiB window") { o in
            o.w(4, 0x1FFC, rep(0xE8)); o.w(4, 0x1FFC, rep(1)); o.w(4, 0x1FFC, 0x7777_7777); o.w(4, 0x2000, 0x8888_8888)
            o.r(4, 0x1FFC); o.w(4, 0x1FFC, rep(0xD0)); o.r(4, 0x1FFC); o.w(4, 0, rep(0x50)); o.r(4, 0x1FFC)
        }
        add("0xE8 open buffer discarded by a system reset") { o in
            o.w(4, 0x6200, rep(0xE8)); o.w(4, 0x6200, rep(1)); o.w(4, 0x6200, 0x9999_9999); o.reset(); o.r(4, 0x6200)
            o.w(4, 0x6200, rep(0x70)); o.r(4, 0x6200); o.w(4, 0, rep(0xFF))
        }
        add("0xF0, 0x00 and 0xFF return to read array") { o in
            o.w(4, 0, rep(0x70)); o.w(4, 0, rep(0xF0)); o.r(4, 0)
            o.w(4, 0, rep(0x90)); o.w(4, 0, 0); o.r(4, 0)
            o.w(4, 0, rep(0x70)); o.w(4, 0, rep(0xFF)); o.r(4, 0)
        }
        add("unknown commands return to read array") { o in
            for c: UInt64 in [0xD0, 0x01, 0xB0, 0x28, 0xE9, 0x30, 0xA0, 0x80, 0xAA, 0x55, 0xC0, 0xB8, 0x03] {
                o.w(4, 0, rep(c)); o.r(4, 0)
            }
            o.w(4, 0, rep(0x70)); o.w(4, 0, rep(0xB0)); o.r(4, 0)
        }
        add("8-byte writes are two independent 4-byte writes") { o in
            o.w(8, 0, 0x00FF_00FF_0070_0070); o.r(4, 0)
            o.w(8, 0, 0x0070_0070_0098_0098); o.r(4, 0x40); o.w(4, 0, rep(0xFF))
            o.w(4, 0, rep(0x40)); o.w(8, 0x100, 0x00FF_00FF_1234_5678); o.r(4, 0x100)
            o.w(8, 0x140000, 0x00D0_00D0_0020_0020); o.r(4, 0x140000); o.w(4, 0, rep(0xFF)); o.r(8, 0x140000)
        }
        add("reads between the cycles of two-cycle commands") { o in
            o.w(4, 0, rep(0x40)); o.r(4, 0); o.r(8, 0); o.w(4, 0x500, 0x5A5A_5A5A)
            o.w(4, 0, rep(0x60)); o.r(2, 2); o.w(4, 0, rep(0x01))
            o.w(4, 0x180000, rep(0x20)); o.r(1, 0); o.w(4, 0x180000, rep(0xD0))
            o.w(4, 0, rep(0x98)); o.r(4, 0); o.w(4, 0, rep(0xFF)); o.r(4, 0x500)
        }
        add("unaligned reads and writes are split") { o in
            o.w(4, 0, rep(0x70)); o.r(4, 2); o.r(4, 1); o.r(8, 4); o.r(2, 3); o.w(4, 0, rep(0xFF))
            o.w(4, 0, rep(0x90)); o.r(4, 2); o.r(8, 2); o.w(4, 0, rep(0xFF))
            o.w(4, 0, rep(0x98)); o.r(4, 0x42); o.r(4, 0x41); o.w(4, 0, rep(0xFF))
            o.w(4, 0x101, 0x00FF_00FF); o.w(4, 0x102, 0x0070_0070); o.r(4, 0); o.w(4, 0, rep(0xFF))
        }
        return cases
    }
}

final class CFI01DirectedTests: XCTestCase {
    func testVirtCommandPaths() throws {
        try assertConformance(.virt(), CFI01Cases.virt(base: 0x0400_0000))
    }
}
