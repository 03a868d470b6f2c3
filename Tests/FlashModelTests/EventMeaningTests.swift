import Foundation
import FlashEvents
import FlashModel
import XCTest

/// Event arguments by name and what events mean for the array: asked of one place.
final class EventMeaningTests: XCTestCase {
    func testEveryDeclaredIntegerArgumentHasANamedAccessor() {
        let named = Set(EventArgument.allCases.map(\.name))
        for spec in EventSpec.table {
            for (i, arg) in spec.args.enumerated() where arg.type != .string {
                XCTAssertTrue(named.contains(arg.name), "\(spec.name).\(arg.name)")
                var e = FlashEvent(spec.kind)
                e[argument: i] = 0x1234_5678_9ABC + UInt64(i)
                XCTAssertEqual(e[EventArgument(rawValue: EventArgument.allCases.firstIndex { $0.name == arg.name }!)!], e[argument: i])
            }
        }
        XCTAssertEqual(FlashEvent.ioWrite(0x40, 4, 0xE8, wcycle: 1).wcycle, 1)
        XCTAssertEqual(FlashEvent(.writeBlockStart, 0x1F).value, 0x1F, "value is the first argument here")
        XCTAssertEqual(FlashEvent(.reset).offset, 0, "an argument the kind lacks reads 0")
    }

    func testGeneratedAccessorsMatchTheVocabulary() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/FlashEvents/\(EventArgumentSource.fileName)")
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), EventArgumentSource.text(),
                       "regenerate with `swift run flashtrace-lttng-dev gen-accessors`")
        for spec in EventSpec.table {
            var e = FlashEvent(spec.kind)
            for i in 0..<spec.args.count { e[argument: i] = UInt64(100 + i) }
            XCTAssertEqual(e.offset, e[.offset]); XCTAssertEqual(e.size, e[.size]); XCTAssertEqual(e.value, e[.value])
            XCTAssertEqual(e.cmd, e[.cmd]); XCTAssertEqual(e.start, e[.start]); XCTAssertEqual(e.end, e[.end])
        }
    }

    func testBufferedDataReachesTheArrayOnlyAtTheFlush() {
        var effects = ArrayEffects(type: .cfi01, chipLength: 1 << 20, readonly: false)
        var seen: [ArrayEffect] = []
        let flushed: [FlashEvent] = [FlashEvent(.writeBlockStart, 1), FlashEvent(.dataWriteBlock, 0x100, 4, 0, 1),
                                     FlashEvent(.dataWriteBlock, 0x104, 4, 0, 0), FlashEvent(.writeBlockFlush)]
        for e in flushed.dropLast() { effects.apply(e, into: &seen) }
        XCTAssertEqual(seen, [], "not yet in the array")
        effects.apply(flushed.last!, into: &seen)
        XCTAssertEqual(seen, [.stored(ByteRange(start: 0x100, end: 0x104)), .stored(ByteRange(start: 0x104, end: 0x108))])
        seen = []
        for e in [FlashEvent(.dataWriteBlock, 0x200, 4, 0, 0), FlashEvent(.writeBlockAbort), FlashEvent(.writeBlockFlush)] {
            effects.apply(e, into: &seen)
        }
        XCTAssertEqual(seen, [], "aborted data never reaches the array")
    }

    func testErasesAndReadOnlyDevices() {
        var rw = ArrayEffects(type: .cfi02, chipLength: 0x1000, readonly: false)
        var ro = ArrayEffects(type: .cfi02, chipLength: 0x1000, readonly: true)
        let events = [FlashEvent(.writeBlockErase, 0x40000, 0x40000), FlashEvent(.sectorEraseStart, 4, 0x800, 4, 0xFFF),
                      FlashEvent(.chipEraseStart), .dataWrite(0x10, 2, 0xBEEF), FlashEvent(.writeBlockErase, .max - 1, 0x40000)]
        var a: [ArrayEffect] = [], b: [ArrayEffect] = []
        for e in events { rw.apply(e, into: &a); ro.apply(e, into: &b) }
        XCTAssertEqual(a, [.erased(ByteRange(start: 0x40000, end: 0x80000)), .erased(ByteRange(start: 0x800, end: 0x1000)),
                           .erased(ByteRange(start: 0, end: 0x1000)), .stored(ByteRange(start: 0x10, end: 0x12)),
                           .erased(ByteRange(start: .max - 1, end: .max))], "saturating, never trapping")
        XCTAssertEqual(b, [], "a read-only device's array does not change")
    }
}
