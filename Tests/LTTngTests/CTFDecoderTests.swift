import FlashLTTng
import FlashTraceIO
import Foundation
import XCTest

// The native CTF decoder against libbabeltrace2 on real LTTng traces: every item (records,
// gaps), its line and the skipped-event count must be the same, through nextItem and through
// replay's own loop (forEachItem). A trace the native decoder does not handle (an event context
// here) must go to libbabeltrace2 by itself, and a damaged one must end in a message, not a crash.

final class CTFDecoderTests: XCTestCase {
    func testNativeDecoderMatchesBabeltraceAndDeclinesWhatItCannotRead() throws {
        try LTTngTools.require()
        let lib = try LTTngTools.probeLibrary.get()
        let t = try temporaryDirectory("decoders")
        defer { try? FileManager.default.removeItem(at: t) }
        let d = t.path
        // Session 1 mixes in another provider's events (lttng-ust's libc wrapper: malloc & co.),
        // session 2 adds a vpid context to every event.
        let r = try shell(LTTngTools.prelude + """
            cd \(q(d))
            export FLASHTRACE_TP_LIB=\(q(lib))
            timeout 60 lttng-sessiond --daemonize --no-kernel || exit 1
            timeout 30 lttng create mixed --output=\(q(d + "/mixed")) > /dev/null
            timeout 30 lttng enable-event -u 'flashtrace:*' > /dev/null
            timeout 30 lttng enable-event -u 'lttng_ust_libc:*' > /dev/null
            timeout 30 lttng start mixed > /dev/null
            LD_PRELOAD=liblttng-ust-libc-wrapper.so timeout 120 \(q(flashtraceBinary)) record --sink both --scenario edk2-varstore-update --repeat 20 -o mixed.jsonl
            echo "mixed rc=$?"
            timeout 60 lttng stop mixed > /dev/null
            timeout 30 lttng destroy mixed > /dev/null
            timeout 30 lttng create ctx --output=\(q(d + "/ctx")) > /dev/null
            timeout 30 lttng enable-event -u 'flashtrace:*' > /dev/null
            timeout 30 lttng add-context -u -t vpid > /dev/null
            timeout 30 lttng start ctx > /dev/null
            timeout 120 \(q(flashtraceBinary)) record --sink both --scenario cfi02-program-erase -o ctx.jsonl
            echo "ctx rc=$?"
            timeout 60 lttng stop ctx > /dev/null
            timeout 30 lttng destroy ctx > /dev/null
            """, timeout: 400, namespace: true)
        XCTAssertTrue(r.output.contains("mixed rc=0") && r.output.contains("ctx rc=0"), r.output)

        let mixed = try assertDecodersAgree(ctf: "\(d)/mixed")
        XCTAssertEqual(mixed, .native)
        let skipped = try CTFTraceReader(path: "\(d)/mixed").skippedAfterReading()
        XCTAssertGreaterThan(skipped, 100, "the libc wrapper's events should be in the trace")

        XCTAssertEqual(try assertDecodersAgree(ctf: "\(d)/ctx"), .babeltrace2)
        XCTAssertThrowsError(try CTFTraceReader(path: "\(d)/ctx", decoder: .native)) { error in
            XCTAssertTrue("\(error)".contains("native CTF reader does not read this trace: stream with an event context"), "\(error)")
        }

        try assertDamageIsReported(ctf: "\(d)/mixed")
    }

    /// A stream file cut mid-packet goes to libbabeltrace2 (the native check declines it); an
    /// event id the metadata never declared stops the native decoder with the file and byte.
    func assertDamageIsReported(ctf: String) throws {
        let fm = FileManager.default
        // Stream files: everything but the metadata and the index folder's files.
        let streams = try fm.subpathsOfDirectory(atPath: ctf)
            .filter { !$0.hasSuffix("metadata") && !$0.contains("index") && !$0.hasSuffix(".idx") }
            .map { "\(ctf)/\($0)" }
            .filter { var dir: ObjCBool = false; return fm.fileExists(atPath: $0, isDirectory: &dir) && !dir.boolValue }
        let biggest = try XCTUnwrap(streams.max { (try? fm.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0 < (try? fm.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0 })
        let original = try Data(contentsOf: URL(fileURLWithPath: biggest))

        // Cut: half the file.
        try original.prefix(original.count / 2 + 100).write(to: URL(fileURLWithPath: biggest))
        XCTAssertThrowsError(try CTFTraceReader(path: ctf, decoder: .native)) { error in
            XCTAssertTrue("\(error)".contains("the native CTF reader does not read this trace: \(biggest)"), "\(error)")
        }
        let cut = try shell("timeout 60 \(q(flashtraceBinary)) replay \(q(ctf)) -q --fail-on never", timeout: 90)
        XCTAssertTrue([0, 65].contains(cut.status), cut.output)
        XCTAssertFalse(cut.output.contains("Fatal error"), cut.output)

        // An undeclared event id (0xfffe) in the first event header: packet header (32 bytes)
        // and lttng-ust's packet context (52) come first, and event_header_large is byte-aligned.
        var bad = original
        bad[84] = 0xfe
        bad[85] = 0xff
        try bad.write(to: URL(fileURLWithPath: biggest))
        let hit = try shell("FLASHTRACE_CTF_READER=native timeout 60 \(q(flashtraceBinary)) replay \(q(ctf)) -q --fail-on never", timeout: 90)
        XCTAssertEqual(hit.status, 65, hit.output)
        XCTAssertTrue(hit.output.contains("\(biggest): event of an id the metadata does not declare at byte"), hit.output)
        try original.write(to: URL(fileURLWithPath: biggest))
    }
}

/// The native decoder's fuzz regressions (Fuzz/regressions/ctf/, found by fuzz-ctf): each input
/// unpacked into a trace directory as the fuzz driver does (Fuzz/Sources/FuzzHarness/CTFDriver.swift)
/// must be declined (CTFReadError), end in a TraceFormatError, or read to the end. Before the
/// fixes these hung (a bad token inside `[...]` of a TSDL structure member) or crashed.
final class CTFFuzzRegressionTests: XCTestCase {
    func testNativeDecoderSurvivesFuzzRegressions() throws {
        let dir = packageRoot.appendingPathComponent("Fuzz/regressions/ctf")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertFalse(inputs.isEmpty, "no regressions in \(dir.path)")
        for name in inputs {
            let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(name)))
            let t = try temporaryDirectory("fuzz-ctf")
            defer { try? FileManager.default.removeItem(at: t) }
            try writeFuzzTrace(bytes, to: t)
            let reader: CTFTraceReader
            do {
                reader = try CTFTraceReader(path: t.path, decoder: .native)
            } catch is CTFReadError {
                continue
            } catch is TraceFormatError {
                continue
            }
            var r = reader
            defer { r.close() }
            var items = 0
            do {
                while try r.nextItem() != nil {
                    items += 1
                    if items > 1_000_000 { XCTFail("\(name): more than a million items"); break }
                }
            } catch is TraceFormatError {}
        }
    }

    /// fuzz-ctf's input format: 2 bytes (little-endian) L, L bytes of `metadata`, 2 bytes S, then
    /// the first S bytes of the rest in `channel0_0` and what follows in `channel0_1`.
    private func writeFuzzTrace(_ bytes: [UInt8], to dir: URL) throws {
        var at = 0
        func take(_ n: Int) -> ArraySlice<UInt8> {
            let end = min(bytes.count, at + n)
            defer { at = end }
            return bytes[at..<end]
        }
        let l = take(2).reversed().reduce(0) { $0 << 8 | Int($1) }
        try Data(take(l)).write(to: dir.appendingPathComponent("metadata"))
        let split = take(2).reversed().reduce(0) { $0 << 8 | Int($1) }
        let rest = bytes[at...]
        if !rest.isEmpty { try Data(rest.prefix(split)).write(to: dir.appendingPathComponent("channel0_0")) }
        if split < rest.count { try Data(rest.dropFirst(split)).write(to: dir.appendingPathComponent("channel0_1")) }
    }
}

extension CTFTraceReader {
    /// Reads to the end; how many events of other providers were skipped.
    func skippedAfterReading() throws -> Int {
        var r = self
        while try r.nextItem() != nil {}
        r.close()
        return r.skippedLines
    }
}

/// Reads `ctf` with libbabeltrace2 and with the default choice, through nextItem and through
/// forEachItem; every item, line and count must match. Returns the default's decoder.
@discardableResult
func assertDecodersAgree(ctf: String, file: StaticString = #filePath, line: UInt = #line) throws -> CTFTraceReader.Decoder {
    struct Seen: Equatable {
        var items: [TraceItem] = []
        var lines: [Int] = []
        var skipped = 0
        var devices: [JSONValue]?
    }
    func viaNext(_ decoder: CTFTraceReader.Decoder?) throws -> (Seen, CTFTraceReader.Decoder) {
        var r = try CTFTraceReader(path: ctf, decoder: decoder)
        defer { r.close() }
        var s = Seen(devices: r.header?.devices)
        while let item = try r.nextItem() {
            s.items.append(item)
            s.lines.append(r.lineNumber)
        }
        s.skipped = r.skippedLines
        return (s, r.decoder)
    }
    func viaLoop(_ decoder: CTFTraceReader.Decoder?) throws -> Seen {
        var r = try CTFTraceReader(path: ctf, decoder: decoder)
        defer { r.close() }
        var s = Seen(devices: r.header?.devices)
        try r.forEachItem(record: { record, n in s.items.append(.record(record)); s.lines.append(n) },
                          gap: { count, from, to, n in s.items.append(.gap(count: count, from: from, to: to)); s.lines.append(n) })
        s.skipped = r.skippedLines
        return s
    }
    let (reference, bt) = try viaNext(.babeltrace2)
    XCTAssertEqual(bt, .babeltrace2, file: file, line: line)
    let (auto, chosen) = try viaNext(nil)
    let loop = try viaLoop(nil)
    XCTAssertGreaterThan(reference.items.count, 100, file: file, line: line)
    for (name, got) in [("nextItem", auto), ("forEachItem", loop)] {
        XCTAssertEqual(got.devices, reference.devices, "\(ctf) \(name): header", file: file, line: line)
        XCTAssertEqual(got.skipped, reference.skipped, "\(ctf) \(name): skipped events", file: file, line: line)
        XCTAssertEqual(got.items.count, reference.items.count, "\(ctf) \(name): items", file: file, line: line)
        if let i = zip(got.items, reference.items).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            XCTFail("\(ctf) \(name): item \(i) is \(got.items[i]), babeltrace2 gives \(reference.items[i])", file: file, line: line)
        }
        XCTAssertEqual(got.lines, reference.lines, "\(ctf) \(name): lines", file: file, line: line)
    }
    return chosen
}
