import FlashAnalysis
import FlashEvents
import FlashModel
import FlashTraceIO
import XCTest

// Every crash the fuzzers found (Fuzz/, scripts/fuzz.sh), as the smallest call that trapped.
// The raw inputs are under Fuzz/regressions/TARGET/ and replayed by CorpusReplayTests.

final class FuzzRegressionTests: XCTestCase {
    /// fuzz-records (its first hour): the HTML report's timeline kept `x + 1` as its end and
    /// trapped on an event whose timestamp is 2^64-1, which a JSON-lines trace may carry.
    func testTimestampAtTheEndOfTimeInTheTimeline() throws {
        let engine = try ReplayEngine(configs: [Board.virt.devices()[1]], images: [:])
        let activity = ActivityCollector(configs: [Board.virt.devices()[1]])
        engine.observer = activity
        for (i, ts) in [UInt64(0), .max, .max].enumerated() {
            try engine.consume(TraceRecord(seq: UInt64(i), ts: ts, device: "virt.flash1",
                                           event: .ioWrite(0, 4, 0x00FF_00FF, wcycle: 0)), line: i + 2)
        }
        _ = engine.finish(trace: "t")
        XCTAssertEqual(activity.result().byTime?.end, .max)
    }

    /// fuzz-model: validate computed `length - 1` before checking a CFI02 region's sector
    /// length for zero, and trapped on `num-blocks0=1,sector-length0=0`.
    func testZeroRegionSectorLengthIsRejected() throws {
        var c = DeviceConfig(type: .cfi02, name: "m")
        c.width = 2
        c.regionBlocks = [1, 0, 0, 0]
        c.regionSectorLength = [0, 0, 0, 0]
        XCTAssertThrowsError(try c.validate()) { error in
            XCTAssertEqual("\(error)", "device m (cfi02): attribute \"sector-length\" not specified or zero.")
        }
        c.sectorLength = 0x10000  // the uniform length does not stand in for region 0's
        XCTAssertThrowsError(try c.validate()) { error in
            XCTAssertTrue("\(error)".contains("sector length[0] per device = 0x0"), "\(error)")
        }
        XCTAssertThrowsError(try DeviceSpec.parse("cfi02,name=m,num-blocks0=1,sector-length0=0,sector-length=64K,width=2").validate())
    }

    /// CFI02 timer deadlines (`now + 50 µs`) and `FlashBus.step` overflowed when the clock came
    /// near 2^64, which a trace's timestamps can set (replay follows them). Seen while writing
    /// fuzz-model, whose clock steps and jumps reach it; fixed before its first run.
    func testClockAtTheEndOfTimeNeverTraps() throws {
        let c = try DeviceSpec.parse("cfi02,name=m,num-blocks=16,sector-length=64K,width=2,unlock-addr0=0x555,unlock-addr1=0x2aa")
        let bus = FlashBus(devices: [try makeDevice(c)])
        bus.setClock(.max - 10)
        // Sector erase: unlock, 0x80, unlock, 0x30 at the sector.
        for (addr, value) in [(0xAAA, 0xAA), (0x554, 0x55), (0xAAA, 0x80), (0xAAA, 0xAA), (0x554, 0x55), (0x10000, 0x30)] as [(UInt64, UInt64)] {
            try bus.write(addr, size: 2, value: value)
        }
        XCTAssertEqual(bus.nextDeadline, .max, "saturated, not wrapped")
        XCTAssertEqual(bus.step(nil), 10)
        XCTAssertEqual(bus.now, .max)
        XCTAssertEqual(bus.step(.max), 0, "the clock stops at its end instead of wrapping")
        bus.fireTimer(device: 0, at: .max)
        _ = try bus.read(0x10000, size: 2)
        XCTAssertEqual(bus.now, .max)
    }

    func testStepByMoreThanIsLeftSaturates() {
        let bus = FlashBus(devices: [])
        bus.setClock(5)
        XCTAssertEqual(bus.step(.max), .max - 5)
        XCTAssertEqual(bus.now, .max)
    }

    /// fuzz-devicespec: a property of the other model (cfi01 with `mappings=4`) was accepted and
    /// silently dropped from the trace header and from `--device` renderings.
    func testPropertyOfTheOtherModelIsRejected() {
        XCTAssertThrowsError(try DeviceSpec.parse("cfi01,name=f,num-blocks=4,sector-length=4K,width=2,mappings=4")) { error in
            XCTAssertEqual("\(error)", "property \"mappings\" belongs to cfi02, not to cfi01")
        }
        XCTAssertThrowsError(try DeviceSpec.parse("cfi02,name=f,num-blocks=4,sector-length=64K,width=2,device-width=1")) { error in
            XCTAssertEqual("\(error)", "property \"device-width\" belongs to cfi01, not to cfi02")
        }
    }

    /// fuzz-devicespec: a valid chip whose length is not a multiple of 4 (133 blocks of 1 byte)
    /// was recorded with `backing-size: 133` in the trace header, which replay then rejected as
    /// "not a multiple of 4": a trace flashtrace wrote that flashtrace could not read.
    func testChipOfOddLengthSurvivesTheTraceHeader() throws {
        let c = try DeviceSpec.parse("cfi01,name=system.fla,addr=0x0,num-blocks=133,sector-length=0x1,width=1")
        try c.validate()
        let back = try TraceHeader.make([c]).configs()
        XCTAssertEqual(back.first?.backing, 133)
        XCTAssertEqual(back.first?.chipLength, 133)
        // A shortened image must still end on a word.
        var short = c
        short.backingSize = 130
        XCTAssertThrowsError(try short.validate()) { error in
            XCTAssertTrue("\(error)".contains("backing-size 130 is not a multiple of 4"), "\(error)")
        }
    }

    /// fuzz-devicespec: a name ending in U+0601 (a prepended concatenation mark) forms one
    /// Character with the "," after it, so the rendered spec split differently when parsed
    /// again. Specs, op scripts and QEMU options are split on Unicode scalars now; the same
    /// cause made a CRLF op script one long line ("\r\n" is one Character).
    func testSeparatorsAreScalarsNotCharacters() throws {
        let c = try DeviceSpec.parse("cfi01,name=ax-dema-dez\u{0601},addr=0x10,num-blocks=4,sector-length=4K,width=1")
        XCTAssertEqual(c.name, "ax-dema-dez\u{0601}")
        XCTAssertEqual(c.addr, 0x10)
        XCTAssertEqual(try DeviceSpec.parse(DeviceSpec.render(c)).name, c.name)
        XCTAssertEqual(try DeviceSpec.parse(DeviceSpec.render(c)).addr, 0x10)

        let script = try OpScript(text: "writel 0x0 0xff\r\nreadl 0x0 # \u{0601}\r\nwriteb 0x0 0x1\r\n", name: "crlf.ops")
        XCTAssertEqual(script.ops.map(\.line), [1, 2, 3])
    }

    /// An overlong line used to be reported again on every call (the reader never moved past it),
    /// so a reader that carries on after errors (replay --keep-going) looped forever; the line
    /// after it was also numbered one too low.
    func testReaderMovesPastAnOverlongLine() throws {
        let header = #"{"format":"flashtrace","version":1,"devices":[]}"#
        let long = #"{"seq":0,"dev":"d","event":"write","str":""# + String(repeating: "x", count: 300) + #""}"#
        let text = [header, long, #"{"seq":1,"dev":"d","event":"reset"}"#, long, #"{"seq":2,"dev":"d","event":"reset"}"#].joined(separator: "\n")
        for chunk in [7, 64, 1 << 12] {
            var reader = try JSONLinesReader(bytes: Array(text.utf8), maxLineLength: 100, chunkSize: chunk)
            var seen: [String] = []
            while true {
                do {
                    guard let r = try reader.next() else { break }
                    seen.append("\(reader.lineNumber):\(r.seq)")
                } catch let e as TraceFormatError {
                    seen.append("\(e.line):error")
                }
                XCTAssertLessThan(seen.count, 10, "the reader must move on")
                if seen.count >= 10 { break }
            }
            XCTAssertEqual(seen, ["2:error", "3:1", "4:error", "5:2"], "chunk \(chunk)")
        }
    }
}
