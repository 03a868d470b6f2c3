import Foundation
import XCTest

/// `flashtrace diff`, run with the binary.
final class DiffTests: XCTestCase {
    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func testATraceAgainstItselfIsEmptyAndExitsZero() throws {
        let dir = try Fixtures.temporaryDirectory()
        let log = try Fixtures.aavmfBoot(in: dir)
        let text = try Fixtures.flashtrace(["diff", log.lastPathComponent, log.lastPathComponent, "-q"], cwd: dir)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertEqual(text.stdout, "", "no differences, no output")
        let j = try Fixtures.flashtrace(["diff", log.lastPathComponent, log.lastPathComponent, "-q", "--format", "json"], cwd: dir)
        XCTAssertEqual(j.status, 0, j.stderr)
        let diff = try json(j.stdout)
        XCTAssertEqual(diff["identical"] as? Bool, true)
        XCTAssertEqual((diff["devices"] as? [Any])?.count, 0)
        XCTAssertEqual((diff["streams"] as? [Any])?.count, 0)

        // The same boot in another form (JSON lines) is no different either.
        let c = try Fixtures.flashtrace(["convert", log.lastPathComponent, "-o", "boot.jsonl", "-q"], cwd: dir)
        XCTAssertEqual(c.status, 0, c.stderr)
        let forms = try Fixtures.flashtrace(["diff", log.lastPathComponent, "boot.jsonl", "-q"], cwd: dir)
        XCTAssertEqual(forms.status, 0, forms.stderr)
        XCTAssertEqual(forms.stdout, "")
    }

    func testNewErrorInTheSecondBootFailsTheGate() throws {
        let dir = try Fixtures.temporaryDirectory()
        let ops = try Fixtures.defaultScenario()
        _ = try Fixtures.record(ops, name: "a", in: dir)
        // B: the same, then an unknown command on the variable store.
        _ = try Fixtures.record(ops + "\nwritel 0x4000000 0x00ee00ee\nwritel 0x4000000 0x00ff00ff\n", name: "b", in: dir)

        let ab = try Fixtures.flashtrace(["diff", "a.jsonl", "b.jsonl"], cwd: dir)
        XCTAssertEqual(ab.status, 1, "B has a new error: \(ab.stdout) \(ab.stderr)")
        XCTAssertTrue(ab.stdout.contains("result: 1 new error, 0 new warnings"), ab.stdout)
        XCTAssertTrue(ab.stdout.contains("new in B:   error unknown-command virt.flash1 @0x0"), ab.stdout)
        XCTAssertTrue(ab.stdout.contains("A: ends (no more writes)"), ab.stdout)
        XCTAssertTrue(ab.stdout.contains("io_write(offset:0x0 size:4 value:0xee00ee)"), ab.stdout)
        XCTAssertEqual(try Fixtures.flashtrace(["diff", "a.jsonl", "b.jsonl", "--fail-on", "never"], cwd: dir).status, 0)

        let j = try Fixtures.flashtrace(["diff", "a.jsonl", "b.jsonl", "--format", "json"], cwd: dir)
        let diff = try json(j.stdout)
        XCTAssertEqual((diff["summary"] as? [String: Any])?["new-errors"] as? Int, 1)
        let stream = try XCTUnwrap((diff["streams"] as? [[String: Any]])?.first)
        XCTAssertEqual(stream["device"] as? String, "virt.flash1")
        XCTAssertTrue(stream["a"] is NSNull)
        XCTAssertEqual((stream["b"] as? [String: Any])?["value"] as? Int, 0xee00ee)
        let writes = try XCTUnwrap(try Fixtures.flashtrace(["replay", "a.jsonl", "--format", "json"], cwd: dir).stdout
            .data(using: .utf8).flatMap { try JSONSerialization.jsonObject(with: $0) as? [String: Any] })
        let flash1 = (writes["devices"] as? [[String: Any]])?.first { $0["name"] as? String == "virt.flash1" }
        XCTAssertEqual(stream["agreeing-writes"] as? Int, (flash1?["counts"] as? [String: Any])?["writes"] as? Int,
                       "every write of A agrees with B's")

        // The other way round the error is gone: nothing new, exit 0.
        let ba = try Fixtures.flashtrace(["diff", "b.jsonl", "a.jsonl"], cwd: dir)
        XCTAssertEqual(ba.status, 0, ba.stdout)
        XCTAssertTrue(ba.stdout.contains("gone in B:  error unknown-command"), ba.stdout)
    }

    func testFirstAndSecondRealBoot() throws {
        let dir = try Fixtures.temporaryDirectory()
        let first = try Fixtures.aavmfBoot(in: dir)
        let second = dir.appendingPathComponent("second.log")
        let xz = Fixtures.packageRoot.appendingPathComponent("examples/traces/aarch64-virt-aavmf-secondboot.log.xz")
        XCTAssertEqual(try Fixtures.run("/usr/bin/xz", ["-dc", xz.path], stdout: second).status, 0)
        let r = try Fixtures.flashtrace(["diff", first.lastPathComponent, "second.log", "-q"], cwd: dir)
        // The two stores to the read-only code flash happen in both boots: nothing new. The
        // first boot's 14 in-place rewrites of the store (loss windows) are gone: the second
        // rewrites it once, and without its initial image that rewrite only shows the store.
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("result: 0 new errors, 0 new warnings; 0 errors and 14 warnings gone"), r.stdout)
        XCTAssertTrue(r.stdout.contains("768 KiB → 256 KiB (-512 KiB)"), "the second boot stays in the first block: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("15 → 1 (-14)"), "block 0: erased 15 times, then once: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("virt.flash1: 0 writes agree, then"), r.stdout)
        XCTAssertFalse(r.stdout.contains("virt.flash0:"), "the code flash's command stream is the same")
    }
}
