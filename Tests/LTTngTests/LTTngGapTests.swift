import FlashLTTng
import FlashTraceIO
import Foundation
import XCTest

// A channel of two 4 KiB sub-buffers cannot keep up with the model, so the tracer discards
// events. Replay must report each loss as a `trace-gap` with its count, the counts must add up
// to exactly the events missing from the CTF trace (and to babeltrace2's own figures), and the
// replay must resynchronise instead of reporting a cascade of divergences.

final class LTTngGapTests: XCTestCase {
    func testTinyChannelReportsTraceGaps() throws {
        try LTTngTools.require()
        let lib = try LTTngTools.probeLibrary.get()
        let t = try temporaryDirectory("gap")
        defer { try? FileManager.default.removeItem(at: t) }
        let d = t.path
        let r = try shell(LTTngTools.prelude + """
            cd \(q(d))
            timeout 60 lttng-sessiond --daemonize --no-kernel || exit 1
            timeout 30 lttng create gap --output=\(q(d + "/ctf")) > /dev/null
            timeout 30 lttng enable-channel -u -s gap tiny --subbuf-size=4096 --num-subbuf=2 > /dev/null
            timeout 30 lttng enable-event -u -s gap -c tiny 'flashtrace:*' > /dev/null
            timeout 30 lttng start gap > /dev/null
            FLASHTRACE_TP_LIB=\(q(lib)) timeout 300 \(q(flashtraceBinary)) record --sink both --scenario edk2-varstore-update --repeat 2000 -o run.jsonl
            echo "record rc=$?"
            timeout 60 lttng stop gap
            timeout 30 lttng destroy gap > /dev/null
            """, timeout: 500, namespace: true)
        XCTAssertTrue(r.output.contains("record rc=0"), r.output)
        // No sanitizer report either (scripts/sanitize.sh), also none from the helper process
        // lttng-ust forks, whose exit status this script does not see.
        XCTAssertFalse(r.output.contains("Sanitizer"), r.output)

        // Events written vs. events in the CTF trace; gaps as the reader reports them.
        var json = try JSONLinesReader(path: "\(d)/run.jsonl")
        var written = 0
        while try json.next() != nil { written += 1 }
        try json.close()
        var ctf = try CTFTraceReader(path: "\(d)/ctf")
        var read = 0, gaps = 0, discarded: UInt64 = 0
        var lastSeq: UInt64?
        while let item = try ctf.nextItem() {
            switch item {
            case .record(let record):
                if let lastSeq { XCTAssertGreaterThan(record.seq, lastSeq) }
                lastSeq = record.seq
                read += 1
            case .gap(let count, let from, let to):
                gaps += 1
                discarded += count
                XCTAssertNotNil(from)
                XCTAssertNotNil(to)
            }
        }
        ctf.close()
        XCTAssertEqual(ctf.decoder, .native)
        // The native decoder places the tracer's losses exactly as libbabeltrace2 does.
        try assertDecodersAgree(ctf: "\(d)/ctf")
        let devices = 2  // device_config events are not among the records but can be discarded too
        XCTAssertGreaterThan(gaps, 0, "the tiny channel lost nothing: \(r.output)")
        XCTAssertEqual(Int(discarded), written + devices - read - (ctf.header?.devices.count ?? 0))

        // babeltrace2 ("WARNING: Tracer discarded N events between ...") and `lttng stop`
        // ("Warning: N events were discarded") report the same total.
        let bt = try shell("timeout 300 babeltrace2 \(q(d + "/ctf")) > /dev/null", timeout: 350)
        let btCounts = bt.output.components(separatedBy: "Tracer discarded ").dropFirst().compactMap { UInt64($0.prefix { $0.isNumber }) }
        XCTAssertEqual(btCounts.reduce(0, +), discarded, bt.output.prefix(2000).description)
        let stop = r.output.components(separatedBy: "Warning: ").dropFirst().compactMap { UInt64($0.prefix { $0.isNumber }) }
        XCTAssertEqual(stop, [discarded], r.output)

        // Replay: a trace-gap warning for each place events are missing, with the count and the
        // time range (a loss the tracer reports once can be two places when the process moved
        // between CPUs meanwhile; the counts still add up).
        let rep = try shell("timeout 300 \(q(flashtraceBinary)) replay \(q(d + "/ctf")) --format json --fail-on never 2>/dev/null", timeout: 350)
        let report = try JSONValue.parse(String(rep.output.drop { $0 != "{" }))
        XCTAssertEqual(report["counts"]?["/trace-gap"]?.uint64Value, UInt64(gaps), rep.output.prefix(2000).description)
        let first = report["findings"]?.arrayValue?.first { $0["rule"]?.stringValue == "trace-gap" }
        let message = first?["message"]?.stringValue ?? ""
        XCTAssertTrue(message.contains("discarded") && message.contains(" ns and "), message)
        // Resynchronisation: no more divergences than gaps (at most the input a gap cut in two).
        let divergences = report["summary"]?["divergences"]?.uint64Value ?? .max
        XCTAssertLessThanOrEqual(divergences, UInt64(gaps), "cascade after gaps: \(rep.output.prefix(3000))")
    }
}
