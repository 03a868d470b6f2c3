import XCTest

// Checks of the harness itself, so a green conformance run means something: a deliberately
// wrong model must be caught, a missing QEMU must skip, and generated sequences must be
// reproducible from their seed.

final class HarnessTests: XCTestCase {
    func testWrongModelIsCaught() throws {
        var wrong = Machine.virt()
        wrong.deviceSpecs[0] = wrong.deviceSpecs[0].replacingOccurrences(of: "id0=0x89", with: "id0=0x88")
        let cases = [FlashCase("id read", base: 0x0400_0000) { o in o.w(4, 0, rep(0x90)); o.r(4, 0); o.w(4, 0, rep(0xFF)) }]
        let outcome = try Conformance.run(wrong, cases)
        XCTAssertEqual(outcome.mismatches.count, 1)
        let report = outcome.mismatches.first?.report ?? ""
        XCTAssertTrue(report.contains("read 0x890089 from QEMU, 0x880088 from the model"), report)
        XCTAssertTrue(report.contains("pflash_manufacturer_id virt.flash1: read manufacturer ID: 0x0089"), report)
        XCTAssertTrue(report.contains("pflash_manufacturer_id virt.flash1: read manufacturer ID: 0x0088"), report)
    }

    func testMissingQEMUSkips() {
        XCTAssertThrowsError(try QEMUBinary.locate("qemu-system-does-not-exist")) { error in
            XCTAssertTrue(error is XCTSkip, "\(error)")
        }
    }

    func testGeneratedSequencesAreReproducible() {
        let g = CFI02Generator(base: 0xFE00_0000, layout: .musicpal)
        var a = SplitMix64.stream(seed: 42, index: 7), b = SplitMix64.stream(seed: 42, index: 7)
        var c = SplitMix64.stream(seed: 42, index: 8)
        let first = g.sequence(&a)
        XCTAssertEqual(first, g.sequence(&b))
        XCTAssertNotEqual(first, g.sequence(&c))
        XCTAssertFalse(first.isEmpty)
    }
}
