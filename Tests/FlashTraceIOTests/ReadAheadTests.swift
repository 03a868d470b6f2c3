import FlashEvents
import FlashTraceIO
import Foundation
import XCTest

/// Reading ahead on a second thread must hand the consumer exactly what reading directly does:
/// the same items in the same order, the reader's error after every item before it, and the
/// consumer's own error without a hang, at any position in the ring's batches.
final class ReadAheadTests: XCTestCase {
    enum Item: Equatable {
        case record(TraceRecord, Int)
        case gap(UInt64, UInt64?, UInt64?, Int)
    }

    struct Failure: Error, Equatable { var at: Int }

    /// A source over a list of items (records and gaps), failing after `failAfter` items.
    struct ListSource: RecordSource {
        var items: [Item]
        var failAfter: Int?
        var position = 0
        var header: TraceHeader? { nil }
        var lineNumber = 0
        var truncatedLastLine: Bool { false }
        var skippedLines: Int { 7 }
        func close() {}

        mutating func nextItem() throws -> TraceItem? {
            if let failAfter, position == failAfter { throw Failure(at: position) }
            guard position < items.count else { return nil }
            defer { position += 1 }
            switch items[position] {
            case .record(let r, let line):
                lineNumber = line
                return .record(r)
            case .gap(let c, let from, let to, let line):
                lineNumber = line
                return .gap(count: c, from: from, to: to)
            }
        }
    }

    /// `n` items: records on `devices` distinct devices in runs, with a gap every 1,000 items,
    /// timestamps missing on every seventh record and a write text on every eleventh.
    func items(_ n: Int, devices: Int = 3) -> [Item] {
        (0..<n).map { i in
            if i % 1000 == 999 { return .gap(UInt64(i), i % 2 == 0 ? UInt64(i) : nil, i % 3 == 0 ? UInt64(i + 5) : nil, i + 2) }
            var e = FlashEvent(.ioWrite)
            e.a0 = UInt64(i) &* 0x9E37_79B9
            e.a1 = 4
            e.a2 = UInt64.max - UInt64(i)
            if i % 11 == 0 { e = FlashEvent(.write); e.textID = .cfiQuery }
            let device = "dev\((i / 5) % devices)"
            return .record(TraceRecord(seq: UInt64(i), ts: i % 7 == 0 ? nil : UInt64(i) * 10, device: device, event: e), i + 2)
        }
    }

    /// Equal lists, or a failure naming the first difference (not both lists: they are long).
    func assertSame(_ a: [Item], _ b: [Item], _ what: String = "", line: UInt = #line) {
        guard a != b else { return }
        let i = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        XCTFail("\(what): \(a.count) against \(b.count) items, first difference at \(i): \(i < a.count ? "\(a[i])" : "-") against \(i < b.count ? "\(b[i])" : "-")", line: line)
    }

    /// What the consumer saw, and what it threw (its own error when it stops at `stopAt`).
    func consume<S: RecordSource>(_ source: inout S, stopAt: Int? = nil) -> ([Item], (any Error)?) {
        var seen: [Item] = []
        do {
            try source.forEachItem(record: { r, line in
                if seen.count == stopAt { throw Failure(at: -1) }
                seen.append(.record(r, line))
            }, gap: { c, from, to, line in
                if seen.count == stopAt { throw Failure(at: -1) }
                seen.append(.gap(c, from, to, line))
            })
        } catch {
            return (seen, error)
        }
        return (seen, nil)
    }

    func testSameItemsInOrderAcrossManyBatches() {
        for n in [0, 1, 255, 256, 257, 1024, 10_000] {
            var direct = ListSource(items: items(n))
            var ahead = ReadAheadSource(ListSource(items: items(n)))
            let (a, errorA) = consume(&direct)
            let (b, errorB) = consume(&ahead)
            XCTAssertNil(errorA)
            XCTAssertNil(errorB)
            XCTAssertEqual(a.count, n)
            assertSame(a, b, "\(n) items")
            // The source is handed back as the reader left it.
            XCTAssertEqual(ahead.source.position, n)
            XCTAssertEqual(ahead.lineNumber, direct.lineNumber)
            XCTAssertEqual(ahead.skippedLines, 7)
        }
    }

    /// More device names than the ring's table holds take the overflow path.
    func testManyDeviceNames() {
        let all = items(5_000, devices: 300)
        var ahead = ReadAheadSource(ListSource(items: all))
        let (seen, error) = consume(&ahead)
        XCTAssertNil(error)
        assertSame(seen, all)
    }

    /// The reader's error reaches the consumer after every item before it.
    func testReaderErrorAfterEveryEarlierItem() {
        for failAfter in [0, 1, 256, 700, 4_999] {
            let all = items(5_000)
            var ahead = ReadAheadSource(ListSource(items: all, failAfter: failAfter))
            let (seen, error) = consume(&ahead)
            XCTAssertEqual(error as? Failure, Failure(at: failAfter))
            assertSame(seen, Array(all.prefix(failAfter)))
        }
    }

    /// The consumer's error stops the reader: no hang, the consumer's error comes out, and
    /// names still held in the ring are released (the overflow path included).
    func testConsumerErrorStopsTheReader() {
        for (stopAt, devices) in [(0, 3), (1, 3), (255, 3), (256, 300), (3_000, 300), (9_999, 3)] {
            let all = items(10_000, devices: devices)
            var ahead = ReadAheadSource(ListSource(items: all))
            let (seen, error) = consume(&ahead, stopAt: stopAt)
            XCTAssertEqual(error as? Failure, Failure(at: -1), "stop at \(stopAt)")
            assertSame(seen, Array(all.prefix(stopAt)))
            XCTAssertGreaterThanOrEqual(ahead.source.position, stopAt)
        }
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flashtrace-readahead-\(getpid())-\(name).jsonl").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// A real JSON-lines trace through the real reader, canonical and general lines mixed.
    func testJSONLinesReaderThroughReadAhead() throws {
        var text = #"{"format":"flashtrace","version":1,"devices":[{"name":"virt.flash1","type":"cfi01"}]}"# + "\n"
        for i in 0..<3_000 {
            if i % 97 == 0 {
                text += #"{ "event": "io_read", "dev": "virt.flash1", "seq": \#(i), "offset": \#(i * 4), "size": 4, "value": 0, "cmd": 0, "wcycle": 0 }"# + "\n"
            } else {
                text += #"{"seq":\#(i),"ts":\#(i),"dev":"virt.flash1","event":"io_write","offset":\#(i * 4),"size":4,"value":\#(i),"wcycle":0}"# + "\n"
            }
        }
        let good = try file("good", text)
        var direct = try TraceInput(path: good)
        var ahead = ReadAheadSource(try TraceInput(path: good))
        let (a, errorA) = consume(&direct)
        let (b, errorB) = consume(&ahead)
        XCTAssertNil(errorA)
        XCTAssertNil(errorB)
        XCTAssertEqual(a.count, 3_000)
        assertSame(a, b)

        // A malformed line: the same records before it, then the same error with its line.
        let bad = text.replacingOccurrences(of: #""seq":2500,"#, with: #""seq":"x","#)
        let badPath = try file("bad", bad)
        var directBad = try TraceInput(path: badPath)
        var aheadBad = ReadAheadSource(try TraceInput(path: badPath))
        let (c, errorC) = consume(&directBad)
        let (d, errorD) = consume(&aheadBad)
        XCTAssertEqual(c.count, 2_500)
        assertSame(c, d)
        XCTAssertEqual((errorC as? TraceFormatError)?.line, 2_502)
        XCTAssertEqual((errorD as? TraceFormatError)?.line, 2_502)
        XCTAssertEqual((errorD as? TraceFormatError)?.message, (errorC as? TraceFormatError)?.message)
    }
}
