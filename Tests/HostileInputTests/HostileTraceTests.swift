import Foundation
import XCTest

// Issue 7, part 2: every hostile or malformed input gets one line on standard error naming the
// file, the line and what was expected; exit 65 (66 when unreadable); no report file; memory
// that does not follow a size the input claims.

final class HostileTraceTests: XCTestCase {
    var dir: URL!
    var trace: [String] = []
    var header: String { trace[0] }

    override func setUpWithError() throws {
        dir = try temporaryDirectory()
        trace = try recordedTrace(in: dir, name: "good.jsonl")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Replays `bytes` as FILE with a report file requested; checks status, the one-line message
    /// (`FILE:LINE: …` containing `expected`), and that nothing but the input is left.
    @discardableResult
    func expectRejected(_ bytes: [UInt8], line: Int?, _ expected: String, status: Int32 = 65,
                        name: String = "bad.jsonl", args: [String] = [],
                        file: StaticString = #filePath, sourceLine: UInt = #line) throws -> Run {
        try Data(bytes).write(to: dir.appendingPathComponent(name))
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        let r = try flashtrace(["replay", name, "--format", "json", "-o", "report.json"] + args, cwd: dir,
                               memoryLimitMiB: boundedMemory)
        XCTAssertEqual(r.status, status, r.stderr, file: file, line: sourceLine)
        let where_ = line.map { "flashtrace: \(name):\($0): " } ?? "flashtrace: \(name)"
        XCTAssertTrue(r.stderr.hasPrefix(where_), "\(r.stderr) does not start with \(where_)", file: file, line: sourceLine)
        XCTAssertTrue(r.stderr.contains(expected), "\(r.stderr) lacks \(expected)", file: file, line: sourceLine)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)", file: file, line: sourceLine)
        XCTAssertEqual(try leftovers(in: dir, besides: before), [], "no report, no temporary file",
                       file: file, line: sourceLine)
        return r
    }

    @discardableResult
    func expectRejected(_ lines: [String], line: Int?, _ expected: String, status: Int32 = 65, args: [String] = [],
                        file: StaticString = #filePath, sourceLine: UInt = #line) throws -> Run {
        try expectRejected(Array((lines.joined(separator: "\n") + "\n").utf8), line: line, expected, status: status,
                           args: args, file: file, sourceLine: sourceLine)
    }

    /// The recorded trace with line `n` (1-based) replaced.
    func replacing(_ n: Int, with line: String) -> [String] {
        var t = trace
        t[n - 1] = line
        return t
    }

    func testInvalidUTF8() throws {
        var bytes = Array((trace[0...4].joined(separator: "\n") + "\n").utf8)
        bytes += Array(#"{"seq":4,"dev":"virt.fl"#.utf8) + [0xC3, 0x28] + Array(#"ash1","event":"reset"}"#.utf8) + [0x0A]
        try expectRejected(bytes, line: 6, "invalid UTF-8 at column 24")
    }

    func testLineOf100MBInConstantMemory() throws {
        let path = dir.appendingPathComponent("bad.jsonl")
        _ = FileManager.default.createFile(atPath: path.path, contents: nil)
        let h = try FileHandle(forWritingTo: path)
        h.write(Data((header + "\n" + #"{"seq":0,"dev":"virt.flash1","event":"write","str":""#).utf8))
        let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<100 { h.write(block) }
        h.write(Data("\"}\n".utf8))
        try h.close()
        // Within boundedMemory (256 MiB): the line is never held whole.
        let r = try flashtrace(["replay", "bad.jsonl", "-o", "report.txt"], cwd: dir, memoryLimitMiB: boundedMemory)
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("flashtrace: bad.jsonl:2: line longer than 1048576 bytes"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.txt").path))

        // --keep-going steps over it and replays the rest (here: nothing, so the verdict is empty).
        let k = try flashtrace(["replay", "bad.jsonl", "--keep-going"], cwd: dir, memoryLimitMiB: boundedMemory)
        XCTAssertEqual(k.status, 65, k.stderr)
        XCTAssertTrue(k.stderr.contains("bad.jsonl:2: line longer than 1048576 bytes"), k.stderr)
        XCTAssertTrue(k.stdout.contains("0 events"), k.stdout)
    }

    func testDeeplyNestedJSON() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        try expectRejected(replacing(3, with: #"{"seq":1,"dev":"virt.flash1","event":"reset","x":"# + deep + "}"),
                           line: 3, "nesting deeper than 64 levels")
        let h = String(header.dropLast()) + #","deep":"# + deep + "}"
        try expectRejected([h] + trace[1...], line: 1, "nesting deeper than 64 levels")
    }

    func testNumbersBeyond64Bits() throws {
        try expectRejected(replacing(4, with: #"{"seq":2,"ts":0,"dev":"virt.flash1","event":"io_write","offset":18446744073709551616,"size":4,"value":0,"wcycle":0}"#),
                           line: 4, "integer out of 64-bit range")
        try expectRejected(replacing(4, with: #"{"seq":99999999999999999999999,"ts":0,"dev":"virt.flash1","event":"reset"}"#),
                           line: 4, "integer out of 64-bit range")
        // Within 64 bits but beyond the argument's type.
        try expectRejected(replacing(4, with: #"{"seq":2,"ts":0,"dev":"virt.flash1","event":"io_write","offset":0,"size":4,"value":4294967296,"wcycle":0}"#),
                           line: 4, #""value" out of range for uint32 in io_write: 4294967296"#)
    }

    func testNegativeSizes() throws {
        try expectRejected(replacing(4, with: #"{"seq":2,"ts":0,"dev":"virt.flash1","event":"io_write","offset":0,"size":-4,"value":0,"wcycle":0}"#),
                           line: 4, #""size" out of range for"#)
        let h = header.replacingOccurrences(of: #""backing-size":786432"#, with: #""backing-size":-786432"#)
        XCTAssertNotEqual(h, header)
        try expectRejected([h] + trace[1...], line: 1, #""backing-size" must be a number"#)
        try expectRejected([header.replacingOccurrences(of: #""size":67108864"#, with: #""size":-1"#)] + trace[1...],
                           line: 1, #""size" must be a number"#)
        try expectRejected([header.replacingOccurrences(of: #""size":67108864"#, with: #""size":4096"#)] + trace[1...],
                           line: 1, #""size" 4096 does not match the geometry (67108864 bytes)"#)
        // Many devices, each within the limit, that together claim more than any run needs.
        let gib = (0..<3).map { #"{"name":"x\#($0)","type":"cfi01","addr":\#($0 << 30),"size":1073741824,"backing-size":1073741824,"num-blocks":4096,"sector-length":262144,"width":4,"device-width":2}"# }
        // Rejected before anything is allocated (expectRejected runs within boundedMemory).
        try expectRejected([#"{"format":"flashtrace","version":1,"devices":["# + gib.joined(separator: ",") + "]}"] + trace[1...],
                           line: 1, "MiB of contents in all, flashtrace's limit")
    }

    func testUnknownEventAndKeepGoing() throws {
        let bad = replacing(50, with: #"{"seq":48,"ts":0,"dev":"virt.flash1","event":"write_frobnicate"}"#)
        try expectRejected(bad, line: 50, #"unknown event "write_frobnicate""#)
        // --keep-going: the verdict on the rest, the skipped line named, still exit 65.
        let r = try flashtrace(["replay", "bad.jsonl", "--keep-going", "--format", "json", "-o", "report.json"], cwd: dir)
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertTrue(r.stderr.contains(#"bad.jsonl:50: unknown event "write_frobnicate" (line skipped)"#), r.stderr)
        XCTAssertTrue(r.stderr.contains("1 malformed line skipped (--keep-going)"), r.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("report.json"))) as? [String: Any]
        XCTAssertEqual((report?["summary"] as? [String: Any])?["events"] as? Int, trace.count - 3)
    }

    func testMissingHeader() throws {
        try expectRejected(Array(trace[1...]), line: 1, "missing header line")
        try expectRejected([#"{"format":"flashtrace","version":1}"#] + trace[1...], line: 1, #"missing "devices" in header"#)
    }

    func testHeaderClaimingHugeDevices() throws {
        // 2^40 blocks: rejected before anything is allocated (within boundedMemory).
        let huge = header.replacingOccurrences(of: #""num-blocks":256,"#, with: #""num-blocks":1099511627776,"#)
        try expectRejected([huge] + trace[1...], line: 1, "num-blocks=1099511627776: expected a number")
        // 4 GiB of contents without an image (QEMU would map it): beyond flashtrace's limit.
        let flash1 = try XCTUnwrap(header.range(of: #""name":"virt.flash1""#))
        let big = String(header[..<flash1.lowerBound]) + header[flash1.lowerBound...]
            .replacingOccurrences(of: #""size":67108864,"backing-size":786432"#, with: #""size":4294967296,"backing-size":4294967296"#)
            .replacingOccurrences(of: #""num-blocks":256"#, with: #""num-blocks":16384"#)
        try expectRejected([big] + trace[1...], line: 1, "exceed flashtrace's limit of 1024 MiB per device")
    }

    func testBadGeometry() throws {
        for (width, message) in [("0", "width must be 1, 2 or 4, not 0"), ("3", "width must be 1, 2 or 4, not 3")] {
            let h = header.replacingOccurrences(of: #""width":4,"device-width":2"#, with: #""width":\#(width),"device-width":0"#)
            try expectRejected([h] + trace[1...], line: 1, message)
        }
        let zero = header.replacingOccurrences(of: #""sector-length":262144"#, with: #""sector-length":0"#)
        try expectRejected([zero] + trace[1...], line: 1, #"attribute "sector-length" not specified or zero."#)
    }

    func testDuplicateDeviceNames() throws {
        let h = header.replacingOccurrences(of: #""name":"virt.flash1""#, with: #""name":"virt.flash0""#)
        try expectRejected([h] + trace[1...], line: 1, #"duplicate device name "virt.flash0""#)
    }

    func testEventOfUnknownDevice() throws {
        try expectRejected(replacing(7, with: #"{"seq":5,"ts":0,"dev":"virt.flash9","event":"reset"}"#),
                           line: 7, #"event names device "virt.flash9", which the header"#)
    }

    func testSeqAndTimestampsGoingBackwards() throws {
        try expectRejected(replacing(7, with: #"{"seq":2,"ts":0,"dev":"virt.flash1","event":"reset"}"#),
                           line: 7, "seq must increase (2 after 4)")
        var t = trace
        t[4] = t[4].replacingOccurrences(of: #""ts":0"#, with: #""ts":500"#)
        try expectRejected(t, line: 6, "ts must not decrease (0 after 500)")
    }

    func testBinaryEmptyAndTextFiles() throws {
        try expectRejected([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0xFF], line: 1, "binary data",
                           name: "firmware.bin")
        try expectRejected([], line: 1, "empty file: expected a flashtrace JSON-lines trace", name: "empty.log")
        try expectRejected(Array("Booting...\nno flash here\n".utf8), line: 1, "no pflash_* trace event", name: "console.log")
        // Even with the devices given, nothing to replay is no verdict.
        try expectRejected([], line: 1, "empty file", name: "empty2.log", args: ["--board", "virt"])
    }

    func testDirectoryWithoutCTFMetadata() throws {
        let folder = dir.appendingPathComponent("lttng-run")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("not ctf".utf8).write(to: folder.appendingPathComponent("channel0_0"))
        let r = try flashtrace(["replay", "lttng-run", "-o", "report.txt"], cwd: dir)
        XCTAssertTrue(r.status == 65 || r.status == 66, "\(r.status) \(r.stderr)")
        XCTAssertTrue(r.stderr.hasPrefix("flashtrace: lttng-run"), r.stderr)
        XCTAssertTrue(r.stderr.contains("metadata"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.txt").path))
    }

    func testUnreadableInput() throws {
        let r = try flashtrace(["replay", "nothing-here.jsonl", "-o", "report.txt"], cwd: dir)
        XCTAssertEqual(r.status, 66, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("flashtrace: nothing-here.jsonl"), r.stderr)
        XCTAssertEqual(try leftovers(in: dir, besides: ["good.jsonl"]), [])
    }
}
