import FlashEvents
import FlashTraceIO
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class JSONLinesTests: XCTestCase {
    let header = TraceHeader(devices: [["name": "virt.flash1", "type": "cfi01"]])

    func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("flashtrace-io-\(getpid())-\(name)").path
    }

    /// Records of a QEMU log, numbered from 0, with the log's timestamps.
    func records(_ lines: [Substring]) throws -> [TraceRecord] {
        var parser = QemuLogParser()
        var out: [TraceRecord] = []
        for line in lines {
            if case .event(let e) = try parser.parse(line) {
                out.append(TraceRecord(seq: UInt64(out.count), ts: e.ts, device: e.device, event: e.event))
            }
        }
        return out
    }

    func write(_ records: [TraceRecord], to path: String) throws {
        let writer = try JSONLinesWriter(path: path)
        try writer.writeHeader(header)
        for r in records { try writer.write(r) }
        try writer.close()
    }

    func readAll(_ reader: inout JSONLinesReader) throws -> [TraceRecord] {
        var out: [TraceRecord] = []
        while let r = try reader.next() { out.append(r) }
        return out
    }

    func testRoundTripAllLogs() throws {
        for (name, lines) in try TestData.allLogs() {
            let recs = try records(lines)
            let path = tempPath("\(name).jsonl")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try write(recs, to: path)
            // Small chunks force lines across chunk boundaries on every read.
            for chunk in [1 << 20, 997] {
                var reader = try JSONLinesReader(path: path, chunkSize: chunk)
                XCTAssertEqual(reader.header, header)
                let back = try readAll(&reader)
                XCTAssertEqual(back.count, recs.count, name)
                if back != recs { XCTFail("\(name): records differ (chunk \(chunk))") }
                XCTAssertFalse(reader.truncatedLastLine)
                XCTAssertEqual(reader.lineNumber, recs.count + 1)
            }
        }
    }

    func testCanonicalLine() throws {
        let path = tempPath("canonical.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try write([TraceRecord(seq: 3, ts: 1_795_645_194_220_881_000, device: "virt.flash1",
                               event: .ioWrite(0, 4, 2_097_184, wcycle: 0)),
                   TraceRecord(seq: 4, ts: nil, device: "d\"\\", event: .write("tab\there \u{1} é"))], to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(text, """
            {"format":"flashtrace","version":1,"devices":[{"name":"virt.flash1","type":"cfi01"}]}
            {"seq":3,"ts":1795645194220881000,"dev":"virt.flash1","event":"io_write","offset":0,"size":4,"value":2097184,"wcycle":0}
            {"seq":4,"dev":"d\\"\\\\","event":"write","str":"tab\\there \\u0001 é"}

            """)
        var reader = try JSONLinesReader(path: path)
        XCTAssertEqual(try reader.next()?.event, .ioWrite(0, 4, 2_097_184, wcycle: 0))
        let w = try XCTUnwrap(reader.next())
        XCTAssertEqual(w.device, "d\"\\")
        XCTAssertEqual(w.event.text, "tab\there \u{1} é")
        XCTAssertNil(w.ts)
    }

    /// Non-canonical spellings (key order, spaces, escapes, extra keys) read the same as canonical ones.
    func testGeneralPathMatchesFastPath() throws {
        let recs = try records(TestData.lines(String(contentsOf: TestData.goldenLogs()[0], encoding: .utf8)))
            + [TraceRecord(seq: 1000, ts: 5, device: "x", event: .write("hi"))]
        var canonical: [UInt8] = []
        var shuffled: [UInt8] = []
        header.json.serialize(into: &canonical)
        header.json.serialize(into: &shuffled)
        canonical.append(0x0A)
        shuffled.append(0x0A)
        let path = tempPath("fast.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try write(recs, to: path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        for (k, line) in lines.enumerated() {
            guard case .object(let members) = try JSONValue.parse(String(line)) else { return XCTFail() }
            var m = members
            if k % 3 == 0 { m.reverse() }
            if k % 3 == 1 { m.append(("extra", ["nested": [1, 2]])) }
            var text = JSONValue.object(m).serialized
            if k % 3 == 2 {
                text = text.replacingOccurrences(of: ",", with: " , ").replacingOccurrences(of: "\"dev\":\"", with: "\"dev\":\"\\u0076")
            }
            shuffled.append(contentsOf: text.utf8)
            shuffled.append(0x0A)
        }
        var reader = try JSONLinesReader(bytes: shuffled)
        let back = try readAll(&reader)
        XCTAssertEqual(back.count, recs.count)
        for (a, b) in zip(back, recs) {
            var b = b
            if a.device.hasPrefix("v") && !b.device.hasPrefix("v") { b.device = "v" + b.device }
            XCTAssertEqual(a, b)
        }
    }

    /// Every kind of the vocabulary through the writer and the reader's fast path, which finds
    /// names by their first eight bytes (several share them: data_write/data_write_block, the
    /// write_block_* and write_invalid* families) and must tell each one apart.
    func testEveryKindRoundTrips() throws {
        var recs: [TraceRecord] = []
        for (i, kind) in EventKind.allCases.enumerated() {
            var e = FlashEvent(kind)
            for (k, a) in kind.spec.args.enumerated() where a.type != .string {
                e[argument: k] = min(UInt64(i * 7 + k), a.type.maxValue)
            }
            if kind == .write { e.textID = .blockWriteFinished }
            recs.append(TraceRecord(seq: UInt64(i), ts: UInt64(i), device: "virt.flash1", event: e))
        }
        let path = tempPath("kinds.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try write(recs, to: path)
        var reader = try JSONLinesReader(path: path)
        XCTAssertEqual(try readAll(&reader), recs)
    }

    /// The writer and the reader's fast path convert integers eight digits at a time; every
    /// digit count and the 32/64-bit and 8/16-digit boundaries must survive the round trip and
    /// print exactly as decimal.
    func testIntegersAtDigitBoundaries() throws {
        var values: [UInt64] = [0, 1, 9, 10, 99, 100, UInt64(UInt32.max), UInt64(UInt32.max) + 1, .max, .max - 1]
        var p: UInt64 = 1
        for _ in 0..<19 {
            p *= 10
            values += [p - 1, p, p + 1]
        }
        values = Array(Set(values)).sorted()
        var recs: [TraceRecord] = []
        for v in values {
            // seq, ts and offset (u64) carry every value, in order; value (u32) its low half.
            recs.append(TraceRecord(seq: v, ts: v, device: "virt.flash1",
                                    event: .dataRead(v, 4, UInt32(truncatingIfNeeded: v))))
        }
        let path = tempPath("digits.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try write(recs, to: path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        for (line, r) in zip(lines, recs) {
            XCTAssertTrue(line.hasPrefix("{\"seq\":\(r.seq),\"ts\":\(r.ts!),"), String(line))
            XCTAssertTrue(line.contains("\"offset\":\(r.event.a0),"), String(line))
            XCTAssertTrue(line.contains("\"value\":\(r.event.a2)}"), String(line))
        }
        var reader = try JSONLinesReader(path: path)
        XCTAssertEqual(try readAll(&reader), recs)

        // Leading zeros and values beyond 64 bits are not canonical: the general parser rejects them.
        expectError(h + #"{"seq":007,"dev":"d","event":"reset"}"# + "\n", line: 2, "invalid JSON")
        expectError(h + #"{"seq":00000000012,"dev":"d","event":"reset"}"# + "\n", line: 2, "invalid JSON")
        expectError(h + #"{"seq":18446744073709551616,"dev":"d","event":"reset"}"# + "\n", line: 2,
                    "integer out of 64-bit range at column 8")
        expectError(h + #"{"seq":1,"dev":"d","event":"data_read","offset":123456789012345678901,"size":4,"value":0}"# + "\n",
                    line: 2, "integer out of 64-bit range at column 49")
    }

    func expectError(_ body: String, line: Int, _ message: String, maxLineLength: Int = 1 << 20,
                     file: StaticString = #filePath, sourceLine: UInt = #line) {
        let bytes = Array(body.utf8)
        expectError(bytes, line: line, message, maxLineLength: maxLineLength, file: file, sourceLine: sourceLine)
    }

    func expectError(_ bytes: [UInt8], line: Int, _ message: String, maxLineLength: Int = 1 << 20,
                     file: StaticString = #filePath, sourceLine: UInt = #line) {
        do {
            var reader = try JSONLinesReader(bytes: bytes, maxLineLength: maxLineLength)
            while try reader.next() != nil {}
            XCTFail("no error, expected \(message)", file: file, line: sourceLine)
        } catch let e as TraceFormatError {
            XCTAssertEqual(e.line, line, "\(e)", file: file, line: sourceLine)
            XCTAssertTrue(e.message.contains(message), "\(e) lacks \(message)", file: file, line: sourceLine)
        } catch {
            XCTFail("\(error)", file: file, line: sourceLine)
        }
    }

    let h = #"{"format":"flashtrace","version":1,"devices":[]}"# + "\n"
    let ok = #"{"seq":7,"dev":"d","event":"reset"}"# + "\n"

    func testMalformed() {
        expectError("", line: 1, "missing header line")
        expectError(ok, line: 1, "missing header line")
        expectError("not json\n" + ok, line: 1, "missing header line")
        expectError(#"{"format":"other"}"# + "\n", line: 1, "not a flashtrace trace")
        expectError(h + #"{"seq":0,"dev":"d","event":"io_write","offset":"x","size":4,"value":1,"wcycle":0}"# + "\n",
                    line: 2, #"expected integer for "offset" in io_write"#)
        expectError(h + ok + #"{"seq":8,"dev":"d","event":"foo"}"# + "\n", line: 3, #"unknown event "foo""#)
        expectError(h + #"{"seq":8,"dev":"d","event":"pflash_reset"}"# + "\n", line: 2, #"unknown event "pflash_reset""#)
        expectError(h + #"{"seq":0,"dev":"d","event":"io_write","offset":1x,"size":4,"value":1,"wcycle":0}"# + "\n",
                    line: 2, "invalid JSON: expected ',' or '}' at column 49")
        expectError(h + #"{"seq":0,"dev":"d","event":"io_write","offset":123456789012345678901,"size":4,"value":1,"wcycle":0}"# + "\n",
                    line: 2, "integer out of 64-bit range")
        expectError(h + #"{"seq":0,"dev":"d","event":"io_write","offset":1,"size":4,"value":1,"wcycle":256}"# + "\n",
                    line: 2, #""wcycle" out of range for uint8 in io_write: 256"#)
        expectError(h + #"{"seq":0,"dev":"d","event":"io_write","offset":-1,"size":4,"value":1,"wcycle":0}"# + "\n",
                    line: 2, #""offset" out of range for uint64 in io_write: -1"#)
        expectError(h + #"{"seq":0,"dev":"d","event":"io_write","offset":1,"size":4,"value":1}"# + "\n",
                    line: 2, #"missing "wcycle" in io_write"#)
        expectError(h + #"{"seq":0,"dev":"d","event":"write","str":5}"# + "\n", line: 2, #"expected string for "str" in write"#)
        expectError(h + #"{"seq":0,"seq":1,"dev":"d","event":"reset"}"# + "\n", line: 2, #"duplicate key "seq""#)
        expectError(h + #"{"dev":"d","event":"reset"}"# + "\n", line: 2, #"missing "seq""#)
        expectError(h + ok + "\n" + #"{"seq":5,"dev":"d","event":"reset"}"# + "\n", line: 4, "seq must increase (5 after 7)")
        expectError(h + ok + ok, line: 3, "seq must increase (7 after 7)")
        expectError(Array((h + #"{"seq":0,"dev":""#).utf8) + [0xFF] + Array(#"","event":"reset"}"#.utf8) + [0x0A],
                    line: 2, "invalid UTF-8 at column 17")
        expectError(h + ok + String(repeating: " ", count: 200) + "\n", line: 3, "line longer than 100 bytes",
                    maxLineLength: 100)
        // Also a canonical line (the reader scans those in its buffer, past the newline search).
        expectError(h + #"{"seq":0,"dev":""# + String(repeating: "d", count: 120) + #"","event":"reset"}"# + "\n", line: 2,
                    "line longer than 100 bytes", maxLineLength: 100)
        // A complete but broken last line is an error, not a truncation.
        expectError(h + ok + #"{"seq":8,"dev":"d","event":"foo"}"#, line: 3, #"unknown event "foo""#)
    }

    func testTruncatedLastLine() throws {
        var reader = try JSONLinesReader(bytes: Array((h + ok + #"{"seq":8,"dev":"d","ev"#).utf8))
        XCTAssertEqual(try reader.next()?.seq, 7)
        XCTAssertEqual(reader.lineNumber, 2)
        XCTAssertNil(try reader.next())
        XCTAssertTrue(reader.truncatedLastLine)
        // The same text with its newline is malformed.
        expectError(h + ok + #"{"seq":8,"dev":"d","ev"# + "\n", line: 3, "invalid JSON")
        // A last line that parses needs no newline.
        var complete = try JSONLinesReader(bytes: Array((h + #"{"seq":8,"dev":"d","event":"reset"}"#).utf8))
        XCTAssertEqual(try complete.next()?.seq, 8)
        XCTAssertNil(try complete.next())
        XCTAssertFalse(complete.truncatedLastLine)
        // A multi-byte character cut in half is truncation too.
        var cut = try JSONLinesReader(bytes: Array((h + ok + #"{"seq":8,"dev":""#).utf8) + [0xC3])
        XCTAssertNotNil(try cut.next())
        XCTAssertNil(try cut.next())
        XCTAssertTrue(cut.truncatedLastLine)
    }

    func testWriterRejectsInvalidRecords() throws {
        let path = tempPath("reject.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try JSONLinesWriter(path: path)
        XCTAssertThrowsError(try writer.write(TraceRecord(seq: 0, ts: nil, device: "d", event: .reset)))
        try writer.writeHeader(header)
        XCTAssertThrowsError(try writer.write(TraceRecord(seq: 0, ts: nil, device: "d", event: FlashEvent(.ioWrite, 0, 4, 0, 256)))) {
            XCTAssertEqual(($0 as? TraceFormatError)?.message, #""wcycle" out of range for uint8 in io_write: 256"#)
        }
        try writer.write(TraceRecord(seq: 5, ts: nil, device: "d", event: .reset))
        XCTAssertThrowsError(try writer.write(TraceRecord(seq: 5, ts: nil, device: "d", event: .reset)))
        try writer.close()
        var reader = try JSONLinesReader(path: path)
        XCTAssertEqual(try readAll(&reader).map(\.seq), [5])
    }

    func testWriteErrorsSurface() throws {
        // ENOSPC: /dev/full accepts the open and fails every write.
        if FileManager.default.fileExists(atPath: "/dev/full") {
            let full = try JSONLinesWriter(path: "/dev/full")
            try full.writeHeader(header)
            XCTAssertThrowsError(try full.close()) { XCTAssertEqual(($0 as? TraceIOError)?.code, ENOSPC) }
        }
        // EPIPE: the reader went away (SIGPIPE ignored, as a CLI that wants the error must do).
        signal(SIGPIPE, SIG_IGN)
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        close(fds[0])
        let piped = JSONLinesWriter(fd: fds[1], closeWhenDone: true, bufferSize: 4096)
        try piped.writeHeader(header)
        XCTAssertThrowsError(try {
            for seq in 0..<10_000 { try piped.write(TraceRecord(seq: UInt64(seq), ts: nil, device: "d", event: .reset)) }
        }()) { XCTAssertEqual(($0 as? TraceIOError)?.code, EPIPE) }
        // The failure is sticky: later calls fail too instead of silently dropping output.
        XCTAssertThrowsError(try piped.flush())
        XCTAssertThrowsError(try piped.close())
    }

    func testReadsFromPipeAcrossChunks() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        let count = 20_000
        let (writeEnd, header) = (fds[1], header)
        let thread = Thread {
            let writer = JSONLinesWriter(fd: writeEnd, closeWhenDone: true, bufferSize: 4096)
            try? writer.writeHeader(header)
            for seq in 0..<count {
                try? writer.write(TraceRecord(seq: UInt64(seq), ts: UInt64(seq) * 10, device: "virt.flash\(seq % 2)",
                                              event: .ioRead(UInt64(seq), 4, UInt32(seq), cmd: 0x90, wcycle: 0)))
            }
            try? writer.close()
        }
        thread.start()
        var reader = try JSONLinesReader(fd: fds[0], closeWhenDone: true, chunkSize: 4096)
        var n = 0
        while let r = try reader.next() {
            XCTAssertEqual(r.seq, UInt64(n))
            XCTAssertEqual(r.event.a0, UInt64(n))
            n += 1
        }
        XCTAssertEqual(n, count)
    }
}
