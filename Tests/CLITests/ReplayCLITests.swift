import XCTest

final class ReplayCLITests: XCTestCase {
    func testExitStatusesAndJSONReport() throws {
        let dir = try temporaryDirectory()
        let ops = "# device: cfi01,name=f,addr=0,num-blocks=4,sector-length=4K,width=1\nwriteb 0x10 0xee\nwriteb 0x10 0x70\nreadb 0x10\n"
        try ops.write(to: dir.appendingPathComponent("r.ops"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try flashtrace(["record", "-q", "--ops", "r.ops", "-o", "r.jsonl"], cwd: dir).status, 0)

        let text = try flashtrace(["replay", "r.jsonl"], cwd: dir)
        XCTAssertEqual(text.status, 1, "unknown-command is an error")
        XCTAssertTrue(text.stdout.contains("unknown-command"), text.stdout)
        XCTAssertTrue(text.stdout.contains("left-in-command-mode"), text.stdout)
        XCTAssertEqual(try flashtrace(["replay", "r.jsonl", "--fail-on", "never"], cwd: dir).status, 0)

        let json = try flashtrace(["replay", "r.jsonl", "--format", "json", "-o", "report.json"], cwd: dir)
        XCTAssertEqual(json.status, 1)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("report.json"))) as! [String: Any]
        let summary = report["summary"] as! [String: Any]
        XCTAssertEqual(summary["errors"] as? Int, 1)
        XCTAssertEqual(summary["warnings"] as? Int, 1)
        XCTAssertEqual(summary["divergences"] as? Int, 0)
        let findings = report["findings"] as! [[String: Any]]
        let unknown = try XCTUnwrap(findings.first { $0["rule"] as? String == "unknown-command" })
        XCTAssertEqual(unknown["dev"] as? String, "f")
        XCTAssertEqual(unknown["offset"] as? Int, 0x10)
        XCTAssertNotNil(unknown["seq"] as? Int)
        XCTAssertNotNil(unknown["line"] as? Int)
        let devices = report["devices"] as! [[String: Any]]
        XCTAssertNotNil((devices.first?["extent"] as? [String: Any])?["smallest-safe-image"])
    }

    func testMalformedTruncatedAndMissingInput() throws {
        let dir = try temporaryDirectory()
        XCTAssertEqual(try flashtrace(["record", "-q", "-o", "t.jsonl"], cwd: dir).status, 0)
        var lines = try String(contentsOf: dir.appendingPathComponent("t.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)

        // A recorder killed mid-write: the torn last line is reported, not fatal.
        let torn = lines.prefix(40).joined(separator: "\n") + "\n" + lines[40].prefix(20)
        try torn.write(to: dir.appendingPathComponent("torn.jsonl"), atomically: true, encoding: .utf8)
        let t = try flashtrace(["replay", "torn.jsonl", "--fail-on", "never"], cwd: dir)
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stdout.contains("trace-truncated"), t.stdout)
        XCTAssertTrue(t.stdout.contains("line 41"), t.stdout)

        // A malformed line in the middle: exit 65 with file:line and what was expected.
        lines[10] = #"{"seq":9,"dev":"virt.flash1","event":"io_write","offset":"zero"}"#
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("bad.jsonl"), atomically: true, encoding: .utf8)
        let b = try flashtrace(["replay", "bad.jsonl"], cwd: dir)
        XCTAssertEqual(b.status, 65)
        XCTAssertTrue(b.stderr.contains("bad.jsonl:11:"), b.stderr)

        let m = try flashtrace(["replay", "nonexistent.jsonl"], cwd: dir)
        XCTAssertEqual(m.status, 66, m.stderr)
        XCTAssertTrue(m.stderr.contains("nonexistent.jsonl"), m.stderr)

        let u = try flashtrace(["replay", "t.jsonl", "--format", "yaml"], cwd: dir)
        XCTAssertEqual(u.status, 64, u.stderr)
    }

    /// `--version` prints the release from Sources/flashtrace/Version.swift, the line
    /// scripts/package-deb.sh reads the package's version from.
    func testVersion() throws {
        let source = try String(contentsOf: packageRoot.appendingPathComponent("Sources/flashtrace/Version.swift"), encoding: .utf8)
        let release = try XCTUnwrap(source.split(separator: "\n").first { $0.contains("static let release = ") }?
            .split(separator: "\"").dropFirst().first)
        let r = try flashtrace(["--version"], cwd: try temporaryDirectory())
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "\(release)\n")
    }

    /// A single replay reads ahead on a second thread; `--jobs 1` keeps it on one. Both give the
    /// same report, the same exit status and the same message, also when the engine (an access
    /// beyond the region) or the reader (a malformed line) stops the replay thousands of events
    /// in, many batches after the reader has gone ahead; and for a log large enough to have its
    /// evidence read in two halves at once.
    func testReadAheadMatchesOneThread() throws {
        let dir = try temporaryDirectory()
        XCTAssertEqual(try flashtrace(["record", "-q", "--repeat", "60", "-o", "t.jsonl"], cwd: dir).status, 0)
        XCTAssertEqual(try flashtrace(["convert", "-q", "t.jsonl", "--to", "qemu-log", "-o", "t.log"], cwd: dir).status, 0)
        var lines = try String(contentsOf: dir.appendingPathComponent("t.jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        XCTAssertGreaterThan(lines.count, 12_000)
        var beyond = lines
        beyond[9_000] = #"{"seq":8999,"ts":0,"dev":"virt.flash1","event":"io_write","offset":\#(UInt64(1) << 40),"size":4,"value":255,"wcycle":0}"#
        beyond.removeLast()  // the end line counts events; a shorter trace only lacks it
        try (beyond.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("beyond.jsonl"), atomically: true, encoding: .utf8)
        lines[7_000] = #"{"seq":6999,"dev":"virt.flash1","event":"io_write","offset":"zero"}"#
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("bad.jsonl"), atomically: true, encoding: .utf8)

        // A log above 4 MiB has its evidence read in two halves on two threads (not with --jobs 1);
        // a malformed line in its second half keeps its line number.
        XCTAssertEqual(try flashtrace(["record", "-q", "--repeat", "300", "-o", "big.jsonl"], cwd: dir).status, 0)
        XCTAssertEqual(try flashtrace(["convert", "-q", "big.jsonl", "--to", "qemu-log", "-o", "big.log"], cwd: dir).status, 0)
        let bigSize = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("big.log").path)[.size] as? Int
        XCTAssertGreaterThan(bigSize ?? 0, 4 << 20)
        var logLines = try String(contentsOf: dir.appendingPathComponent("big.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let badLine = logLines.count * 3 / 4
        logLines[badLine] = "pflash_io_write virt.flash1: offset:0xzz size:4 value:0x0 wcycle:0"
        try (logLines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("badbig.log"), atomically: true, encoding: .utf8)

        for (trace, status) in [("t.jsonl", 0), ("t.log", 0), ("beyond.jsonl", 65), ("bad.jsonl", 65),
                                ("big.log", 0), ("badbig.log", 65)] {
            let ahead = try flashtrace(["replay", trace, "--format", "json", "--fail-on", "never"], cwd: dir)
            let one = try flashtrace(["replay", trace, "--format", "json", "--fail-on", "never", "--jobs", "1"], cwd: dir)
            XCTAssertEqual(ahead.status, Int32(status), "\(trace): \(ahead.stderr)")
            XCTAssertEqual(one.status, ahead.status, trace)
            XCTAssertEqual(one.stdout, ahead.stdout, trace)
            XCTAssertEqual(one.stderr, ahead.stderr, trace)
        }
        let beyondRun = try flashtrace(["replay", "beyond.jsonl"], cwd: dir)
        XCTAssertTrue(beyondRun.stderr.contains("beyond.jsonl:9001:"), beyondRun.stderr)
        let badRun = try flashtrace(["replay", "bad.jsonl"], cwd: dir)
        XCTAssertTrue(badRun.stderr.contains("bad.jsonl:7001:"), badRun.stderr)
        let badBig = try flashtrace(["replay", "badbig.log"], cwd: dir)
        XCTAssertTrue(badBig.stderr.contains("badbig.log:\(badLine + 1): pflash_io_write"), badBig.stderr)
    }

    /// "-" reads the trace from standard input: JSON lines carry their devices, a QEMU log needs
    /// --board (the board cannot be inferred by reading a pipe ahead).
    func testStandardInput() throws {
        let dir = try temporaryDirectory()
        XCTAssertEqual(try flashtrace(["record", "-q", "-o", "t.jsonl"], cwd: dir).status, 0)
        XCTAssertEqual(try flashtrace(["convert", "-q", "t.jsonl", "--to", "qemu-log", "-o", "t.log"], cwd: dir).status, 0)
        let jsonl = try String(contentsOf: dir.appendingPathComponent("t.jsonl"), encoding: .utf8)
        let log = try String(contentsOf: dir.appendingPathComponent("t.log"), encoding: .utf8)
        let fromFile = try flashtrace(["replay", "t.jsonl", "--format", "json"], cwd: dir)
        let fromPipe = try flashtrace(["replay", "-", "--format", "json"], cwd: dir, input: jsonl)
        XCTAssertEqual(fromPipe.status, 0, fromPipe.stderr)
        XCTAssertEqual(fromPipe.stdout.replacingOccurrences(of: #""trace":"-""#, with: #""trace":"t.jsonl""#), fromFile.stdout)

        let noBoard = try flashtrace(["replay", "-"], cwd: dir, input: log)
        XCTAssertEqual(noBoard.status, 64, noBoard.stderr)
        XCTAssertTrue(noBoard.stderr.contains("pass --board or --device"), noBoard.stderr)
        // A log from a pipe cannot be read ahead for its QEMU either: record's default era is 11.1's.
        let withBoard = try flashtrace(["replay", "-", "--board", "virt", "--qemu", "11.1"], cwd: dir, input: log)
        XCTAssertEqual(withBoard.status, 0, withBoard.stderr)
        XCTAssertTrue(withBoard.stdout.contains("0 errors, 0 warnings, 0 divergences"), withBoard.stdout)

        let torn = try flashtrace(["replay", "-"], cwd: dir, input: String(jsonl.prefix(300)))
        XCTAssertEqual(torn.status, 65, torn.stderr)
        XCTAssertTrue(torn.stderr.contains("-:1:"), torn.stderr)
    }
}
