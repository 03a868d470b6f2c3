import XCTest

/// --qemu and the trace header's "qemu": which QEMU's behaviour record and replay follow.
final class QEMUVersionTests: XCTestCase {
    /// A one-word buffered write (count 0) on virt.flash1, then the status read.
    let oneWord = """
        # device: cfi01,name=virt.flash1,addr=0x4000000,num-blocks=256,sector-length=256K,width=4,device-width=2,id0=0x89,id1=0x18
        writel 0x4000000 0x00e800e8
        writel 0x4000000 0x00000000
        writel 0x4000000 0x12345678
        writel 0x4000000 0x00d000d0
        readl 0x4000000
        writel 0x4000000 0x00500050
        writel 0x4000000 0x00ff00ff

        """

    func testOneWordBufferedWriteIsDroppedFrom901On() throws {
        let dir = try temporaryDirectory()
        try oneWord.write(to: dir.appendingPathComponent("one.ops"), atomically: true, encoding: .utf8)
        for (version, dropped) in [("10.0", true), ("9.0.1", true), ("9.0", true), ("9.0.0", false), ("7.2.22", false), ("8.2.2", false),
                                   ("6.2", false), ("8.2.0", false)] {
            let rec = try flashtrace(["record", "--ops", "one.ops", "--qemu", version, "-o", "\(version).jsonl"], cwd: dir)
            XCTAssertEqual(rec.status, 0, rec.stderr)
            let header = try String(contentsOf: dir.appendingPathComponent("\(version).jsonl"), encoding: .utf8).prefix { $0 != "\n" }
            XCTAssertTrue(header.contains(#""qemu":"\#(version)""#), String(header))
            let r = try flashtrace(["replay", "\(version).jsonl", "--fail-on", "never"], cwd: dir)
            XCTAssertTrue(r.stdout.contains("0 divergences"), r.stdout)
            XCTAssertEqual(r.stdout.contains("one-word-buffer-dropped ×1"), dropped, "\(version): \(r.stdout)")
        }
        // Without --qemu record models the newest era.
        let rec = try flashtrace(["record", "--ops", "one.ops", "-o", "default.jsonl"], cwd: dir)
        XCTAssertEqual(rec.status, 0, rec.stderr)
        let header = try String(contentsOf: dir.appendingPathComponent("default.jsonl"), encoding: .utf8).prefix { $0 != "\n" }
        XCTAssertTrue(header.contains(#""qemu":"11.1""#), String(header))
    }

    func testVersionsThatCannotBeFollowedAreUsageErrors() throws {
        let dir = try temporaryDirectory()
        for bad in ["ten", "10", "10.x", "5.2", "5.2.0", "1.2.3.4"] {
            let r = try flashtrace(["record", "--qemu", bad, "-o", "x.jsonl"], cwd: dir)
            XCTAssertEqual(r.status, 64, "\(bad): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--qemu"), r.stderr)
        }
        // A header naming a QEMU older than 6.0 is refused with the reason.
        let rec = try flashtrace(["record", "-o", "t.jsonl"], cwd: dir)
        XCTAssertEqual(rec.status, 0, rec.stderr)
        var lines = try String(contentsOf: dir.appendingPathComponent("t.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
        lines[0] = lines[0].replacingOccurrences(of: #""qemu":"11.1""#, with: #""qemu":"5.2.0""#)
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("old.jsonl"), atomically: true, encoding: .utf8)
        let r = try flashtrace(["replay", "old.jsonl"], cwd: dir)
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertTrue(r.stderr.contains("old.jsonl:1: QEMU 5.2.0 is older than 6.0"), r.stderr)
    }
}

extension QEMUVersionTests {
    /// QEMU before the update buffer (Ubuntu 22.04's 6.2): recorded, converted to QEMU's log text,
    /// and the log replayed with no --qemu infers that era from pflash_write_block.
    func testBeforeTheUpdateBufferRoundTrip() throws {
        let dir = try temporaryDirectory()
        let rec = try flashtrace(["record", "--qemu", "6.2", "-o", "old.jsonl"], cwd: dir)
        XCTAssertEqual(rec.status, 0, rec.stderr)
        let conv = try flashtrace(["convert", "old.jsonl", "--to", "qemu-log", "-o", "old.log"], cwd: dir)
        XCTAssertEqual(conv.status, 0, conv.stderr)
        let log = try String(contentsOf: dir.appendingPathComponent("old.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("pflash_write_block virt.flash1: block write: bytes:0x1f"), log)
        XCTAssertTrue(log.contains(" counter:0x"), "data_write with its counter")
        for trace in ["old.jsonl", "old.log"] {
            let r = try flashtrace(["replay", trace], cwd: dir)
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            XCTAssertTrue(r.stdout.contains("0 errors, 0 warnings, 0 divergences"), r.stdout)
        }
        let r = try flashtrace(["replay", "old.log"], cwd: dir)
        XCTAssertTrue(r.stdout.contains("trace: qemu=6.2.0: line"), r.stdout)
    }
}
