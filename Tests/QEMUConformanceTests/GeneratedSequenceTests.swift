import Foundation
import XCTest

// A few hundred generated sequences per model, batched into one QEMU process per machine and
// separated by system_reset. The seed is fixed so failures reproduce; FLASHTRACE_QEMU_SEED
// (decimal or 0x hex) explores other seeds and FLASHTRACE_QEMU_SCALE=N runs N times as many.

class GeneratedSequenceTests: XCTestCase {
    /// The machine a test runs on: 7.2.22 here; QEMU10GeneratedSequenceTests runs every
    /// sequence again on 10.0.2.
    func machine(_ m: Machine) -> Machine { m }

    static let defaultSeed: UInt64 = 0x5EED_F1A5_7ACE_0001

    var seed: UInt64 {
        guard let text = ProcessInfo.processInfo.environment["FLASHTRACE_QEMU_SEED"] else { return Self.defaultSeed }
        return text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) ?? Self.defaultSeed : UInt64(text) ?? Self.defaultSeed
    }

    /// Runs `count` sequences of `generate` on `machine`; reports the first few mismatches in
    /// full (later ones are often consequences of the first: state carries over resets).
    func check(_ machine: Machine, count baseCount: Int, stream: Int, _ generate: (inout SplitMix64) -> [String]) throws {
        let seed = self.seed
        let count = baseCount * max(1, Int(ProcessInfo.processInfo.environment["FLASHTRACE_QEMU_SCALE"] ?? "") ?? 1)
        let cases = (0..<count).map { i -> FlashCase in
            var rng = SplitMix64.stream(seed: seed, index: stream * 100_000 + i)
            return FlashCase(name: "sequence \(i) (seed 0x\(String(seed, radix: 16)), stream \(stream))", ops: generate(&rng))
        }
        let machine = self.machine(machine)
        let outcome = try Conformance.run(machine, cases)
        XCTAssertGreaterThan(outcome.events, count * 5, "\(machine.name): QEMU logged suspiciously little")
        for mm in outcome.mismatches.prefix(3) { XCTFail(mm.report) }
        if outcome.mismatches.count > 3 {
            XCTFail("\(machine.name): \(outcome.mismatches.count) of \(count) sequences differ; sequences "
                    + outcome.mismatches.map { String($0.caseIndex) }.joined(separator: ", "))
        }
        print("\(machine.name): \(count) generated sequences, \(outcome.ops) ops, \(outcome.events) QEMU trace lines, "
              + "\(outcome.mismatches.count) differing")
    }

    func testCFI01VirtSequences() throws {
        let g = CFI01Generator(base: 0x0400_0000, size: 64 << 20, width: 4, sector: 0x40000, window: 4096, lanes: rep)
        try check(.virt(), count: 200, stream: 1) { g.sequence(&$0) }
    }

    func testCFI01Q35Sequences() throws {
        let g = CFI01Generator(base: 0xFFC0_0000, size: 0x84000, width: 1, sector: 0x1000, window: 256) { $0 }
        try check(.q35, count: 60, stream: 2) { g.sequence(&$0) }
    }

    func testCFI01ConnexX8LaneSequences() throws {
        let g = CFI01Generator(base: 0, size: 16 << 20, width: 2, sector: 0x20000, window: 4096) { $0 | $0 << 8 }
        try check(.connex(deviceWidth: 1, maxDeviceWidth: 2), count: 60, stream: 3) { g.sequence(&$0) }
    }

    func testCFI02MusicpalSequences() throws {
        let g = CFI02Generator(base: 0xFE00_0000, layout: .musicpal)
        try check(.musicpal, count: 300, stream: 4) { g.sequence(&$0) }
    }

    func testCFI02ZynqWidth1Sequences() throws {
        let g = CFI02Generator(base: 0xE200_0000, layout: .zynq)
        try check(.zynq, count: 80, stream: 5) { g.sequence(&$0) }
    }

    func testCFI02CanonWidth4Sequences() throws {
        let g = CFI02Generator(base: 0xF800_0000, layout: .canon)
        try check(.canon, count: 80, stream: 6) { g.sequence(&$0) }
    }
}
