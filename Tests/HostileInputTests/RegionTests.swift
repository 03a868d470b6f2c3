import Foundation
import XCTest

// Issue 14: offsets and sizes anywhere in u64 reach no trap. Beyond a region the trace's header
// declares: malformed input (65, file:line, what was expected). Beyond a region the user gave:
// an access-beyond-region finding. In a QEMU log the inference widens to what the log reaches
// and the report says what it assumed.

final class RegionTests: XCTestCase {
    var dir: URL!
    var trace: [String] = []

    override func setUpWithError() throws {
        dir = try temporaryDirectory()
        trace = try recordedTrace(in: dir, name: "good.jsonl")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func write(_ lines: [String], to name: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func testJSONLinesAccessBeyondTheDeclaredRegionIsMalformed() throws {
        for (offset, size) in [(UInt64(1) << 40, 4), (UInt64(64 << 20), 1), (UInt64(64 << 20) - 2, 4), (UInt64.max, 4), (0, 0xFFFF_FFFF)] {
            var t = trace
            t[3] = #"{"seq":2,"ts":0,"dev":"virt.flash1","event":"io_write","offset":\#(offset),"size":\#(size),"value":255,"wcycle":0}"#
            try write(t, to: "beyond.jsonl")
            let r = try flashtrace(["replay", "beyond.jsonl", "-o", "report.txt"], cwd: dir)
            XCTAssertEqual(r.status, 65, "\(offset)+\(size): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("flashtrace: beyond.jsonl:4: virt.flash1: io_write at 0x\(String(offset, radix: 16))"), r.stderr)
            XCTAssertTrue(r.stderr.contains("expected offset + size ≤ 0x4000000"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.txt").path))
        }
        // The last byte of the region is fine.
        var t = trace
        t[3] = #"{"seq":2,"ts":0,"dev":"virt.flash1","event":"io_write","offset":\#(64 << 20 - 1),"size":1,"value":255,"wcycle":0}"#
        try write(t, to: "edge.jsonl")
        let r = try flashtrace(["replay", "edge.jsonl", "--fail-on", "never"], cwd: dir)
        XCTAssertNotEqual(r.status, 65, r.stderr)
        XCTAssertFalse(r.signaled, r.stderr)
    }

    /// A QEMU log beyond the virt board's 64 MiB: no crash, the size assumed is stated; with the
    /// geometry fixed by --board, the access is a finding instead.
    func testQemuLogBeyondTheAssumedGeometry() throws {
        let log = """
            pflash_io_write virt.flash1: offset:0x0000 size:4 value:0x00ff00ff wcycle:0
            pflash_write virt.flash1: read array mode
            pflash_mode_read_array virt.flash1: read array mode
            pflash_io_write virt.flash1: offset:0x8000000 size:4 value:0x00ff00ff wcycle:0
            pflash_write virt.flash1: read array mode
            pflash_mode_read_array virt.flash1: read array mode
            pflash_io_write virt.flash1: offset:0x10000000000 size:4 value:0x00ff00ff wcycle:0
            pflash_io_read virt.flash1: offset:0xffffffffffffffff size:4 value:0x0000 cmd:0x00 wcycle:0

            """
        try write(log.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), to: "far.log")
        let r = try flashtrace(["replay", "far.log", "--format", "json", "-o", "far.json", "--fail-on", "never"], cwd: dir)
        XCTAssertFalse(r.signaled, r.stderr)
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("far.json"))) as! [String: Any]
        let facts = (report["assumptions"] as! [[String: Any]]).map { "\($0["dev"]!) \($0["fact"]!): \($0["basis"]!)" }
        XCTAssertTrue(facts.contains { $0.hasPrefix("virt.flash1 size=0x40000000: the virt board's flash is 0x4000000 bytes, but line 8 reaches") }, "\(facts)")
        XCTAssertEqual((report["devices"] as! [[String: Any]]).map { $0["name"] as! String }, ["virt.flash1"], "only the device the log names")
        let counts = report["counts"] as! [String: Int]
        XCTAssertEqual(counts["virt.flash1/access-beyond-region"], 2, "beyond flashtrace's 1 GiB limit: \(counts)")

        let fixed = try flashtrace(["replay", "far.log", "--board", "virt", "--format", "json", "-o", "fixed.json"], cwd: dir)
        XCTAssertEqual(fixed.status, 1, fixed.stderr)
        let f = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("fixed.json"))) as! [String: Any]
        XCTAssertEqual((f["counts"] as! [String: Int])["virt.flash1/access-beyond-region"], 3)
    }

    /// `--device NAME,PROP=VALUE` amends one device without restating its geometry, and the
    /// amended fact is no longer reported as assumed.
    func testDeviceAmendment() throws {
        let log = """
            pflash_io_write virt.flash0: offset:0x1000 size:4 value:0x0000 wcycle:0
            pflash_mode_read_array virt.flash0: read array mode

            """
        try write(log.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), to: "zero.log")
        let assumed = try flashtrace(["replay", "zero.log", "--fail-on", "never"], cwd: dir)
        XCTAssertTrue(assumed.stdout.contains("virt.flash0: readonly=on: the virt board's convention"), assumed.stdout)
        XCTAssertTrue(assumed.stdout.contains("write-to-read-only ×1"), assumed.stdout)
        let amended = try flashtrace(["replay", "zero.log", "--device", "virt.flash0,readonly=off"], cwd: dir)
        XCTAssertEqual(amended.status, 0, amended.stdout + amended.stderr)
        XCTAssertFalse(amended.stdout.contains("readonly=on"), amended.stdout)
        XCTAssertTrue(amended.stdout.contains("64 MiB"), "geometry kept: \(amended.stdout)")
        let unknown = try flashtrace(["replay", "zero.log", "--device", "virt.flash7,readonly=off"], cwd: dir)
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("no device named virt.flash7 to amend"), unknown.stderr)
    }
}
