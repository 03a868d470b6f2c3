import XCTest

// The same directed cases and generated sequences, on QEMU 10.0.2 (Debian's bookworm-backports
// build, scripts/qemu-10.sh) with the model in that version's era: the write-to-buffer window
// opened at the first data write, a count of 0 aborting (spec §2.10). Every other behaviour is
// the same as 7.2.22's, so the cases are the 7.2 suites' own.

final class QEMU10ConformanceTests: XCTestCase {
    func testVirtCommandPaths() throws {
        try assertConformance(Machine.virt().onQEMU10, CFI01Cases.virt(base: 0x0400_0000))
    }

    func testVirtReadOnly() throws {
        try assertConformance(Machine.virt(flash1ReadOnly: true).onQEMU10, CFI01VariantCases.readOnly(base: 0x0400_0000))
    }

    func testQ35LegacyWidth1() throws {
        try assertConformance(Machine.q35.onQEMU10, CFI01VariantCases.q35(vars: 0xFFC0_0000, code: 0xFFC8_4000))
    }

    /// (connex, the board of the x8-lane cases, is gone from QEMU 10: PXA boards were removed.)
    func testVersatilepbLegacyWidth4() throws {
        try assertConformance(Machine.versatilepb.onQEMU10, CFI01VariantCases.lanes(base: 0x3400_0000, width: 4) { $0 })
    }

    func testMusicpalCommandPaths() throws {
        try assertConformance(Machine.musicpal.onQEMU10, CFI02Cases.directed(.musicpal, base: 0xFE00_0000))
    }
}

/// The generated sequences of GeneratedSequenceTests, run again on 10.0.2.
final class QEMU10GeneratedSequenceTests: GeneratedSequenceTests {
    override func machine(_ m: Machine) -> Machine { m.onQEMU10 }

    /// connex is gone from QEMU 10 (the PXA boards were removed in 9.2): the x8-lane sequences
    /// run on 7.2.22 only.
    override func testCFI01ConnexX8LaneSequences() throws {
        throw XCTSkip("QEMU 10 has no connex machine")
    }
}
