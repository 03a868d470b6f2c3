import FlashTraceIO
import Foundation
import XCTest

// Issue 7, part 3: recording that loses nothing. A recorder killed with SIGKILL leaves a trace
// whose complete lines all read and replay (the missing end line reported as truncation);
// SIGINT/SIGTERM end the trace cleanly; a full disk or a closed pipe is an error, never success.

final class RecordingTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A long recording: the default scenario (209 events a run) repeated.
    let long = ["record", "-q", "--repeat", "10000000", "-o", "t.jsonl"]

    /// Runs `long`, sends `sig` once the trace has grown past `bytes`, returns the run.
    func interrupted(by sig: Int32, after bytes: UInt64 = 4 << 20, extra: [String] = []) throws -> Run {
        let path = dir.appendingPathComponent("t.jsonl").path
        return try flashtrace(long + extra, cwd: dir, timeout: 600) { pid in
            let deadline = Date().addingTimeInterval(300)
            while Date() < deadline {
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? nil
                if let size, size > bytes { break }
                usleep(20_000)
            }
            kill(pid, sig)
        }
    }

    /// Reads the whole trace; every line must parse. Returns the reader after the last record.
    func readAll(_ name: String = "t.jsonl") throws -> (reader: JSONLinesReader, records: Int) {
        var reader = try JSONLinesReader(path: dir.appendingPathComponent(name).path)
        var n = 0
        while try reader.next() != nil { n += 1 }
        return (reader, n)
    }

    func testSIGKILLLeavesAReplayableTraceReportedAsTruncated() throws {
        let r = try interrupted(by: SIGKILL)
        XCTAssertTrue(r.signaled && r.status == 128 + SIGKILL, "\(r.status)")
        let (reader, records) = try readAll()
        XCTAssertGreaterThan(records, 1000)
        XCTAssertTrue(reader.truncatedLastLine, "no end line: the trace is known to be incomplete")
        XCTAssertNil(reader.end)
        let replay = try flashtrace(["replay", "t.jsonl", "--format", "json", "-o", "report.json", "--fail-on", "never"], cwd: dir)
        XCTAssertEqual(replay.status, 0, replay.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("report.json"))) as? [String: Any]
        let summary = report?["summary"] as? [String: Any]
        XCTAssertEqual(summary?["events"] as? Int, records)
        XCTAssertNotNil(summary?["truncated-line"] as? Int, "reported as truncated")
        // SIGKILL can cut a write(2) short at a page boundary, leaving the last operation's
        // trailing events missing; replay does not count those against a truncated trace.
        XCTAssertEqual(summary?["divergences"] as? Int, 0)
    }

    func testSIGINTAndSIGTERMEndTheTraceCleanly() throws {
        for (sig, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            let r = try interrupted(by: sig, after: 1 << 20)
            XCTAssertFalse(r.signaled)
            XCTAssertEqual(r.status, 128 + sig, r.stderr)
            XCTAssertTrue(r.stderr.contains("\(name): stopped after"), r.stderr)
            let (reader, records) = try readAll()
            XCTAssertFalse(reader.truncatedLastLine)
            XCTAssertEqual(reader.end, TraceEnd(events: UInt64(records), interrupted: name))
            // Stopped between operations: the replay finds nothing half-done in the trace itself.
            let replay = try flashtrace(["replay", "t.jsonl", "--fail-on", "error"], cwd: dir)
            XCTAssertEqual(replay.status, 0, replay.stdout + replay.stderr)
            XCTAssertTrue(replay.stdout.contains("0 divergences"), replay.stdout)
            XCTAssertFalse(replay.stdout.contains("trace-truncated"), replay.stdout)
            try FileManager.default.removeItem(at: dir.appendingPathComponent("t.jsonl"))
        }
    }

    func testCompleteTraceEndsWithItsEndLine() throws {
        let r = try flashtrace(["record", "-q", "--repeat", "3", "--sync", "-o", "t.jsonl"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let (reader, records) = try readAll()
        XCTAssertEqual(records, 2 + 3 * 207, "two resets at start, then 207 events a run")
        XCTAssertTrue(reader.header.promisesEndLine)
        XCTAssertEqual(reader.end, TraceEnd(events: UInt64(records)))
        // Cut on a line boundary (the last batch never written): still known to be incomplete.
        let lines = try String(contentsOf: dir.appendingPathComponent("t.jsonl"), encoding: .utf8).split(separator: "\n")
        try write(lines.dropLast(20).map(String.init), to: dir.appendingPathComponent("cut.jsonl"))
        let (cut, _) = try readAll("cut.jsonl")
        XCTAssertTrue(cut.truncatedLastLine && cut.missingEndLine)
        // An end line that miscounts is malformed.
        try write(lines.dropLast(2).map(String.init) + [#"{"end":true,"events":\#(records)}"#], to: dir.appendingPathComponent("miscount.jsonl"))
        let m = try flashtrace(["replay", "miscount.jsonl"], cwd: dir)
        XCTAssertEqual(m.status, 65, m.stderr)
        XCTAssertTrue(m.stderr.contains("miscount.jsonl:\(lines.count - 1): the end line counts \(records) events, the trace holds \(records - 1)"), m.stderr)
    }

    func testExistingTraceIsKeptWithoutForce() throws {
        try Data("keep me\n".utf8).write(to: dir.appendingPathComponent("t.jsonl"))
        let r = try flashtrace(["record", "-q", "-o", "t.jsonl"], cwd: dir)
        XCTAssertEqual(r.status, 73, r.stderr)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("t.jsonl"), encoding: .utf8), "keep me\n")
        XCTAssertEqual(try flashtrace(["record", "-q", "-o", "t.jsonl", "--force"], cwd: dir).status, 0)
        XCTAssertNotNil(try readAll().reader.end)
    }

    func testFullDiskIsAnErrorAndLeavesNoTrace() throws {
        let mnt = dir.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mnt, withIntermediateDirectories: true)
        // A 64 KiB tmpfs stands in for a full disk; it needs root (CI runs as root, see .ci/run).
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt.path]
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { throw XCTSkip("cannot mount a tmpfs here (not root?)") }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mnt.path]
            try? umount.run()
            umount.waitUntilExit()
        }
        for extra in [[], ["--sync"]] {
            let r = try flashtrace(["record", "-q", "--repeat", "100", "-o", "small/t.jsonl"] + extra, cwd: dir)
            XCTAssertEqual(r.status, 74, r.stderr)
            XCTAssertTrue(r.stderr.contains("No space left on device"), r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mnt.path), [], "nothing that could pass for a trace")
        }
    }

    func testClosedPipeIsAnError() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let err = dir.appendingPathComponent("err.txt")
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let pid = try spawn(["record", "-q", "--repeat", "100000", "-o", "-"], cwd: dir, actions: &actions)
        close(fds[1])
        // `| head -c 100`: read a little, then go away.
        var buffer = [UInt8](repeating: 0, count: 100)
        XCTAssertEqual(read(fds[0], &buffer, 100), 100)
        close(fds[0])
        let (status, signaled) = try waitForChild(pid, timeout: 120, what: ["record", "-o", "-"])
        let stderr = try String(contentsOf: err, encoding: .utf8)
        XCTAssertFalse(signaled, "SIGPIPE is ignored: the write error is reported")
        XCTAssertEqual(status, 74, stderr)
        XCTAssertTrue(stderr.contains("cannot write standard output") && stderr.contains("Broken pipe"), stderr)
    }
}
