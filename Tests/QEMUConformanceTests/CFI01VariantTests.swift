import XCTest

// CFI01 outside the virt bank: a read-only drive, x86's legacy width-1 banks, and the lane /
// legacy variants (spec §2.6, §4.1) on connex (width 2) and versatilepb (legacy width 4).

enum CFI01VariantCases {
    /// virt flash1 with `readonly=on`: the state machine runs, storage stays, SR.4/SR.5 get set.
    static func readOnly(base b: UInt64) -> [FlashCase] {
        [
            FlashCase("read-only: program sets SR.4, data unchanged", base: b) { o in
                o.w(4, 0, rep(0x40)); o.w(4, 0x100, 0x1234_5678); o.r(4, 0x100); o.w(4, 0, rep(0xFF)); o.r(4, 0x100)
                o.w(4, 0, rep(0x10)); o.w(1, 0x102, 0x00); o.r(2, 0x100); o.w(4, 0, rep(0xFF)); o.r(4, 0x100)
            },
            FlashCase("read-only: erase sets SR.5, data unchanged", base: b) { o in
                o.w(4, 0x40000, rep(0x20)); o.r(4, 0); o.w(4, 0x40000, rep(0xD0)); o.r(4, 0); o.r(8, 0)
                o.w(4, 0, rep(0xFF)); o.r(4, 0x40000)
            },
            FlashCase("read-only: buffered write aborts, 0x50 clears", base: b) { o in
                o.w(4, 0, rep(0x50)); o.w(4, 0x2000, rep(0xE8)); o.w(4, 0x2000, rep(1))
                o.w(4, 0x2000, 0x1111_1111); o.w(4, 0x2004, 0x2222_2222); o.r(4, 0x2000); o.w(4, 0x2000, rep(0xD0))
                o.r(4, 0x2000); o.w(4, 0, rep(0x70)); o.r(4, 0); o.w(4, 0, rep(0x50)); o.w(4, 0, rep(0x70)); o.r(4, 0)
            },
            FlashCase("read-only: lock, ID and CFI work as usual", base: b) { o in
                o.w(4, 0, rep(0x60)); o.w(4, 0, rep(0x01)); o.r(4, 0)
                o.w(4, 0, rep(0x90)); o.r(4, 0); o.r(4, 4); o.r(4, 8)
                o.w(4, 0, rep(0x98)); o.r(4, 0x40); o.r(4, 0x9C); o.w(4, 0, rep(0xFF))
            },
        ]
    }

    /// `old-multiple-chip-handling=on`: per-bank geometry in the CFI table and a 2 KiB buffer window.
    static func oldMultipleChipHandling(base b: UInt64) -> [FlashCase] {
        [
            FlashCase("old multiple-chip handling: CFI geometry", base: b) { o in
                o.w(4, 0, rep(0x98))
                for k: UInt64 in 0x27...0x30 { o.r(4, 4 * k) }
                o.w(4, 0, rep(0xFF))
            },
            FlashCase("old multiple-chip handling: 2 KiB write-buffer window", base: b) { o in
                o.w(4, 0xFFC, rep(0xE8)); o.w(4, 0xFFC, rep(1)); o.w(4, 0xFFC, 0x1111_1111); o.w(4, 0x1000, 0x2222_2222)
                o.r(4, 0xFFC); o.w(4, 0xFFC, rep(0xD0)); o.r(4, 0); o.w(4, 0, rep(0x50)); o.r(8, 0xFF8)
                o.w(4, 0x17FC, rep(0xE8)); o.w(4, 0x17FC, rep(1)); o.w(4, 0x17FC, 0x3333_3333); o.w(4, 0x1800, 0x4444_4444)
                o.w(4, 0x17FC, rep(0xD0)); o.r(4, 0); o.w(4, 0, rep(0x50)); o.r(8, 0x17F8)
            },
        ]
    }

    /// q35: flash1 (vars, writable) at `vars`, flash0 (code, read-only) at `code`; width 1, legacy.
    static func q35(vars v: UInt64, code c: UInt64) -> [FlashCase] {
        [
            FlashCase("x86: OVMF flash detection", base: v) { o in
                o.r(1, 0x10); o.w(1, 0x10, 0x50); o.r(1, 0x10); o.w(1, 0x10, 0x70); o.r(1, 0x10); o.w(1, 0x10, 0xFF); o.r(1, 0x10)
            },
            FlashCase("x86: CFI bytes, wider reads, 256-byte mirror", base: v) { o in
                o.w(1, 0, 0x98)
                for k: UInt64 in 0x0E...0x53 { o.r(1, k) }
                o.r(2, 0x10); o.r(4, 0x10); o.r(8, 0x10); o.r(1, 0x110); o.r(4, 0x1027); o.w(1, 0, 0xFF)
            },
            FlashCase("x86: identifier and status reads", base: v) { o in
                o.w(1, 0, 0x90); o.r(1, 0); o.r(1, 1); o.r(1, 2); o.r(2, 0); o.r(4, 0); o.r(8, 0); o.r(1, 0x101)
                o.w(1, 0, 0x70); o.r(1, 0); o.r(2, 0); o.r(4, 0); o.r(8, 0); o.w(1, 0, 0xFF)
            },
            FlashCase("x86: byte programs as OVMF does them", base: v) { o in
                o.w(1, 0x1000, 0x10); o.w(1, 0x1000, 0x5A); o.r(1, 0x1000); o.w(1, 0x1000, 0xFF); o.r(1, 0x1000)
                o.w(1, 0x1001, 0x40); o.w(1, 0x1001, 0xA5); o.w(1, 0x1001, 0xFF); o.r(4, 0x1000)
            },
            FlashCase("x86: 4 KiB erase", base: v) { o in
                o.w(1, 0x1800, 0x20); o.r(1, 0x1800); o.w(1, 0x1800, 0xD0); o.r(1, 0x1800); o.w(1, 0x1800, 0xFF)
                o.r(4, 0x1000); o.r(4, 0x1FFC); o.r(4, 0x2000)
            },
            FlashCase("x86: buffered write of 4 bytes", base: v) { o in
                o.w(1, 0x200, 0xE8); o.r(1, 0x200); o.w(1, 0x200, 0x03)
                for i: UInt64 in 0..<4 { o.w(1, 0x200 + i, 0x11 * (i + 1)) }
                o.w(1, 0x200, 0xD0); o.r(1, 0x200); o.w(1, 0, 0xFF); o.r(4, 0x200)
            },
            FlashCase("x86: count masked to 8 bits, 256-byte window", base: v) { o in
                o.w(1, 0x300, 0xE8); o.w(2, 0x300, 0x0103)
                for i: UInt64 in 0..<4 { o.w(1, 0x300 + i, 0xA0 + i) }
                o.w(1, 0x300, 0xD0); o.w(1, 0, 0xFF); o.r(4, 0x300)
                o.w(1, 0x4F0, 0xE8); o.w(1, 0x4F0, 0x01); o.w(1, 0x4F0, 0x77); o.w(1, 0x500, 0x88); o.w(1, 0x4F0, 0xD0)
                o.r(1, 0x4F0); o.w(1, 0, 0x50); o.r(4, 0x4F0); o.r(4, 0x500)
            },
            FlashCase("x86: 2- and 4-byte command writes", base: v) { o in
                o.w(2, 0, 0x0098); o.r(4, 0x10); o.w(4, 0, 0xFF); o.w(4, 4, 0x7070); o.r(2, 4); o.w(2, 4, 0xFFFF)
            },
            // flash1 ends where flash0 begins: one 8-byte access reaches both devices. Only while
            // both are in I/O mode: QEMU 7.2 segfaults on a qtest read spanning two ROMD regions.
            FlashCase("x86: 8-byte accesses spanning vars and code flash", base: v) { o in
                o.w(8, 0x83FFC, 0x0000_0070_0000_0070); o.r(8, 0x83FFC); o.r(4, 0x83FFE)
                o.w(8, 0x83FFC, 0x0000_0098_0000_0090); o.r(8, 0x83FFC); o.w(8, 0x83FFC, 0x0000_00FF_0000_00FF)
            },
            FlashCase("x86: read-only code flash", base: c) { o in
                o.w(1, 0, 0x40); o.w(1, 0x10, 0x11); o.r(1, 0x10); o.w(1, 0, 0xFF); o.r(1, 0x10)
                o.w(1, 0x2000, 0x20); o.r(1, 0); o.w(1, 0x2000, 0xD0); o.r(1, 0); o.w(1, 0, 0x50); o.w(1, 0, 0xFF)
                o.r(4, 0x2000); o.r(4, 0x37BFFC)
            },
        ]
    }

    /// CFI, ID, status and count masking for a bank of `width` bytes at base 0 or `b`;
    /// `cmd(c)` is how software writes command c to this bank.
    static func lanes(base b: UInt64, width: Int, cmd: @escaping (UInt64) -> UInt64) -> [FlashCase] {
        [
            FlashCase("lanes: CFI reads of every size", base: b) { o in
                o.w(width, 0, cmd(0x98))
                for off in stride(from: UInt64(0), to: 0x160, by: 2) { o.r(2, off) }
                o.r(4, 0x20); o.r(4, 0x40); o.r(4, 0x140); o.r(1, 0x21); o.r(1, 0x40); o.r(8, 0x20); o.r(8, 0x40)
                o.w(width, 0, cmd(0xFF))
            },
            FlashCase("lanes: identifier reads", base: b) { o in
                o.w(width, 0, cmd(0x90))
                for off: UInt64 in [0, 2, 4, 6, 8, 0xC, 0x100, 0x102, 0x200, 0x400] { o.r(2, off); o.r(4, off) }
                o.r(1, 0); o.r(1, 1); o.r(8, 0); o.w(width, 0, cmd(0xFF))
            },
            FlashCase("lanes: status reads", base: b) { o in
                o.w(width, 0, cmd(0x70)); o.r(1, 0); o.r(1, 1); o.r(2, 0); o.r(2, 2); o.r(4, 0); o.r(8, 0)
                o.w(width, 0, cmd(0xFF))
            },
            FlashCase("lanes: program, erase, read back", base: b) { o in
                o.w(width, 0, cmd(0x40)); o.w(width, 0x100, 0x1234_5678); o.r(4, 0x100); o.w(width, 0, cmd(0xFF))
                o.r(4, 0x100); o.w(width, 0x20000, cmd(0x20)); o.w(width, 0x20000, cmd(0xD0)); o.r(4, 0x20000)
                o.w(width, 0, cmd(0xFF)); o.r(4, 0x20000)
            },
            FlashCase("lanes: buffered-write count masking (legacy w4: huge count)", base: b) { o in
                o.w(width, 0x1000, cmd(0xE8)); o.w(4, 0x1000, 0x0001_0001)
                o.w(4, 0x1000, 0xAAAA_AAAA); o.w(4, 0x1004, 0xBBBB_BBBB); o.r(4, 0x1000)
                o.w(width, 0x1000, cmd(0xD0)); o.r(4, 0x1000); o.w(width, 0, cmd(0xFF)); o.r(4, 0x1000)
                o.reset(); o.r(4, 0x1000)
            },
        ]
    }
}

final class CFI01VariantTests: XCTestCase {
    func testVirtReadOnly() throws {
        try assertConformance(.virt(flash1ReadOnly: true), CFI01VariantCases.readOnly(base: 0x0400_0000))
    }

    func testVirtOldMultipleChipHandling() throws {
        try assertConformance(.virt(oldMultipleChipHandling: true), CFI01VariantCases.oldMultipleChipHandling(base: 0x0400_0000))
    }

    func testQ35LegacyWidth1() throws {
        try assertConformance(.q35, CFI01VariantCases.q35(vars: 0xFFC0_0000, code: 0xFFC8_4000))
    }

    func testVersatilepbLegacyWidth4() throws {
        try assertConformance(.versatilepb, CFI01VariantCases.lanes(base: 0x3400_0000, width: 4) { $0 })
    }

    func testConnexLegacyWidth2() throws {
        try assertConformance(.connex(deviceWidth: nil), CFI01VariantCases.lanes(base: 0, width: 2) { $0 })
    }

    func testConnexDeviceWidth2() throws {
        try assertConformance(.connex(deviceWidth: 2), CFI01VariantCases.lanes(base: 0, width: 2) { $0 })
    }

    /// Two x8 lanes of a x16-capable chip: the one configuration with "x8 mode" CFI replication.
    func testConnexDeviceWidth1MaxWidth2() throws {
        try assertConformance(.connex(deviceWidth: 1, maxDeviceWidth: 2),
                              CFI01VariantCases.lanes(base: 0, width: 2) { $0 | $0 << 8 })
    }

    /// dw 2 with mdw 4 on a width-2 bank: CFI lanes report pflash_unsupported_device_configuration.
    func testConnexUnsupportedDeviceConfiguration() throws {
        try assertConformance(.connex(deviceWidth: 2, maxDeviceWidth: 4),
                              Array(CFI01VariantCases.lanes(base: 0, width: 2) { $0 }.prefix(2)))
    }
}
