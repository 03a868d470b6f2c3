import FlashEvents
import FlashTraceIO
import XCTest

// The end line at the library level: how the reader tells a whole trace from a cut-short one.

final class EndLineTests: XCTestCase {
    let promise = #"{"format":"flashtrace","version":1,"devices":[],"end-line":true}"#
    let plain = #"{"format":"flashtrace","version":1,"devices":[]}"#
    let event = #"{"seq":0,"dev":"d","event":"reset"}"#

    func read(_ lines: [String], terminated: Bool = true) throws -> (JSONLinesReader, Int) {
        var reader = try JSONLinesReader(bytes: Array((lines.joined(separator: "\n") + (terminated ? "\n" : "")).utf8))
        var n = 0
        while try reader.next() != nil { n += 1 }
        return (reader, n)
    }

    func expectError(_ lines: [String], line: Int, _ message: String, file: StaticString = #filePath, sourceLine: UInt = #line) {
        XCTAssertThrowsError(try read(lines), file: file, line: sourceLine) { error in
            guard let e = error as? TraceFormatError else { return XCTFail("\(error)", file: file, line: sourceLine) }
            XCTAssertEqual(e.line, line, "\(e)", file: file, line: sourceLine)
            XCTAssertTrue(e.message.contains(message), "\(e)", file: file, line: sourceLine)
        }
    }

    func testWholeTrace() throws {
        let (r, n) = try read([promise, event, #"{"end":true,"events":1}"#])
        XCTAssertEqual(n, 1)
        XCTAssertEqual(r.end, TraceEnd(events: 1))
        XCTAssertFalse(r.truncatedLastLine)
        XCTAssertTrue(r.header.promisesEndLine)
    }

    func testPromisedButMissing() throws {
        let (r, _) = try read([promise, event])
        XCTAssertTrue(r.truncatedLastLine && r.missingEndLine)
        let (torn, _) = try read([promise, event, #"{"end":tr"#], terminated: false)
        XCTAssertTrue(torn.truncatedLastLine)
    }

    func testOlderTracesNeedNone() throws {
        let (r, n) = try read([plain, event])
        XCTAssertEqual(n, 1)
        XCTAssertFalse(r.truncatedLastLine)
        // …but one that has an end line gets it checked too.
        let (e, _) = try read([plain, event, #"{"events":1,"end":true,"interrupted":"SIGTERM"}"#])
        XCTAssertEqual(e.end, TraceEnd(events: 1, interrupted: "SIGTERM"))
    }

    func testMalformedEndLines() {
        expectError([promise, event, #"{"end":true,"events":2}"#], line: 3, "the end line counts 2 events, the trace holds 1")
        expectError([promise, event, #"{"end":false,"events":1}"#], line: 3, #"expected "end":true"#)
        expectError([promise, event, #"{"end":true}"#], line: 3, #"expected an integer "events""#)
        expectError([promise, event, #"{"end":true,"events":1,"interrupted":7}"#], line: 3, #"expected a string for "interrupted""#)
        expectError([promise, event, #"{"end":true,"events":1}"#, event.replacingOccurrences(of: "0", with: "1")], line: 4,
                    "expected nothing after the end line")
        expectError([#"{"format":"flashtrace","version":1,"devices":[],"end-line":"yes"}"#], line: 1, #"expected true or false for "end-line""#)
    }

    func testWriterCountsAndHeaderEquality() throws {
        var header = TraceHeader(devices: [])
        header.promisesEndLine = true
        XCTAssertEqual(header, TraceHeader(devices: []), "how a file ends is not part of what it describes")
        XCTAssertEqual(header.json.serialized, promise)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("end-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let w = try JSONLinesWriter(path: path)
        try w.writeHeader(header)
        try w.write(TraceRecord(seq: 0, ts: 1, device: "d", event: FlashEvent(.reset)))
        try w.writeEnd(interrupted: "SIGINT")
        XCTAssertThrowsError(try w.write(TraceRecord(seq: 1, ts: 1, device: "d", event: FlashEvent(.reset))))
        try w.close()
        var r = try JSONLinesReader(path: path)
        while try r.next() != nil {}
        XCTAssertEqual(r.end, TraceEnd(events: 1, interrupted: "SIGINT"))
    }
}
