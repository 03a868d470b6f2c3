import FlashEvents
import FlashLTTng
import FlashTraceIO
import Foundation
import XCTest

// `record --sink both --lttng-session` against a real session daemon (started by flashtrace
// itself, as for a first-time user), then the CTF read three ways: babeltrace2's text, the
// in-process CTFTraceReader, and `flashtrace replay DIR`. Each must agree with the JSON lines
// written by the same run: same events, same findings, same extent summary.

final class LTTngRecordReplayTests: XCTestCase {
    /// The EDK2 scenario, then accesses that produce findings of several rules.
    static let ops = Scenario.named("edk2-varstore-update")!.text + """
        writel 0x0 0x00400040
        writel 0x0 0x00000000
        readl 0x0
        writel 0x0 0x00ff00ff
        writel 0x40c0000 0x00200020
        writel 0x40c0000 0x00d000d0
        readl 0x40c0000
        writel 0x4000000 0x00770077
        readl 0x4000000
        writel 0x4000000 0x00ff00ff

        """

    func testBothSinksGiveTheSameReplay() throws {
        try LTTngTools.require()
        let lib = try LTTngTools.probeLibrary.get()
        let t = try temporaryDirectory("both")
        defer { try? FileManager.default.removeItem(at: t) }
        try Self.ops.write(to: t.appendingPathComponent("run.ops"), atomically: true, encoding: .utf8)
        let d = t.path
        let r = try shell(LTTngTools.prelude + """
            cd \(q(d))
            export FLASHTRACE_TP_LIB=\(q(lib))
            timeout 120 \(q(flashtraceBinary)) record --sink both --lttng-session edk2 --lttng-output \(q(d + "/edk2")) --ops run.ops --repeat 3 -o edk2.jsonl
            echo "edk2 rc=$?"
            timeout 120 \(q(flashtraceBinary)) record --sink both --lttng-session cfi02 --scenario cfi02-program-erase -o cfi02.jsonl
            echo "cfi02 rc=$?"
            """, namespace: true)
        XCTAssertTrue(r.output.contains("edk2 rc=0") && r.output.contains("cfi02 rc=0"), r.output)
        XCTAssertTrue(r.output.contains("started an LTTng session daemon"), r.output)
        XCTAssertTrue(r.output.contains("LTTng trace written to \(d)/edk2"), r.output)
        XCTAssertTrue(r.output.contains("LTTng trace written to \(d)/lttng-traces/cfi02"), r.output)
        XCTAssertFalse(r.output.contains("discarded"), r.output)
        XCTAssertFalse(r.output.contains("Sanitizer"), r.output)  // nor lttng-ust's helper processes

        for (jsonl, ctf) in [("edk2.jsonl", "edk2"), ("cfi02.jsonl", "lttng-traces/cfi02")] {
            let jsonPath = "\(d)/\(jsonl)", ctfPath = "\(d)/\(ctf)"
            try assertSameRecords(json: jsonPath, ctf: ctfPath)
            try assertBabeltraceShowsRecords(json: jsonPath, ctf: ctfPath)
            try assertSameReports(json: jsonPath, ctf: ctfPath, expectFindings: ctf == "edk2")
            // convert reads what replay reads: the CTF folder back to JSON lines, record for record.
            let converted = "\(d)/\(jsonl).from-ctf.jsonl"
            let c = try shell("\(q(flashtraceBinary)) convert \(q(ctfPath)) -o \(q(converted))", timeout: 120)
            XCTAssertEqual(c.status, 0, c.output)
            try assertSameRecords(json: converted, ctf: ctfPath)
        }
    }

    /// CTFTraceReader yields exactly the JSON-lines records and header.
    func assertSameRecords(json: String, ctf: String) throws {
        var j = try JSONLinesReader(path: json)
        var c = try CTFTraceReader(path: ctf)
        defer { try? j.close(); c.close() }
        // The devices, that is; the JSON-lines header may also announce its end line.
        XCTAssertEqual(c.header?.devices, j.header.devices)
        var n = 0
        while let expected = try j.next() {
            guard case .record(let got)? = try c.nextItem() else { return XCTFail("\(ctf): ends or gaps at record \(n)") }
            XCTAssertEqual(got, expected, "\(ctf) record \(n)")
            if got != expected { return }
            n += 1
        }
        XCTAssertNil(try c.nextItem(), "\(ctf) has more events than \(json)")
        XCTAssertGreaterThan(n, 100)
    }

    /// babeltrace2's own decoding: one line per event, named as in JSON lines, same field values.
    func assertBabeltraceShowsRecords(json: String, ctf: String) throws {
        let r = try shell("timeout 120 babeltrace2 --no-delta \(q(ctf))", timeout: 150)
        XCTAssertEqual(r.status, 0, r.output)
        var lines = r.output.split(separator: "\n").map(String.init)
        var j = try JSONLinesReader(path: json)
        defer { try? j.close() }
        let devices = j.header.devices.count
        XCTAssertEqual(lines.prefix(devices).filter { $0.contains("flashtrace:device_config:") }.count, devices)
        lines.removeFirst(devices)
        var n = 0
        while let record = try j.next() {
            guard n < lines.count else { return XCTFail("babeltrace2 shows \(n) events, the JSON lines more") }
            let fields = BabeltraceLine.fields(lines[n])
            XCTAssertTrue(lines[n].contains(" flashtrace:\(record.event.kind.name): "), lines[n])
            var expected = ["seq": "\(record.seq)", "ts": "\(record.ts!)", "dev": record.device]
            for (k, a) in record.event.kind.spec.args.enumerated() {
                expected[a.name] = a.type == .string ? record.event.text : "\(record.event[argument: k])"
            }
            XCTAssertEqual(fields, expected, lines[n])
            n += 1
        }
        XCTAssertEqual(n, lines.count)
    }

    /// `flashtrace replay` of both forms: the JSON reports are equal except the trace name and
    /// the findings' `line` (a JSON-lines line vs. the event's line in babeltrace2's output).
    func assertSameReports(json: String, ctf: String, expectFindings: Bool) throws {
        func report(_ trace: String) throws -> JSONValue {
            let r = try shell("timeout 120 \(q(flashtraceBinary)) replay \(q(trace)) --format json --fail-on never", timeout: 150)
            XCTAssertEqual(r.status, 0, r.output)
            var v = try JSONValue.parse(String(r.output.drop { $0 != "{" }))
            guard case .object(var members) = v else { return v }
            members.removeAll { $0.0 == "trace" }
            for i in members.indices where members[i].0 == "findings" {
                members[i].1 = .array((members[i].1.arrayValue ?? []).map { f in
                    .object((f.objectValue ?? []).filter { $0.0 != "line" })
                })
            }
            v = .object(members)
            return v
        }
        let a = try report(json), b = try report(ctf)
        XCTAssertEqual(a.serialized, b.serialized)
        let findings = a["findings"]?.arrayValue?.count ?? 0
        XCTAssertEqual(findings > 0, expectFindings, a.serialized)
    }
}

/// Field values of a `babeltrace2` text line: `{ cpu_id = 0 }, { seq = 2, ..., dev = "x" }`,
/// integers in decimal (hex ones converted), strings unquoted.
enum BabeltraceLine {
    static func fields(_ line: String) -> [String: String] {
        guard let start = line.range(of: "}, { ")?.upperBound else { return [:] }
        var out: [String: String] = [:]
        var s = Substring(line[start...])
        while let eq = s.range(of: " = ") {
            let key = String(s[..<eq.lowerBound])
            s = s[eq.upperBound...]
            var value = ""
            if s.first == "\"" {
                s = s.dropFirst()
                while let c = s.first, c != "\"" {
                    if c == "\\", let next = s.dropFirst().first { value.append(next); s = s.dropFirst(2) } else { value.append(c); s = s.dropFirst() }
                }
                s = s.dropFirst()
            } else {
                let token = s.prefix { $0 != "," && $0 != " " }
                s = s.dropFirst(token.count)
                value = token.hasPrefix("0x") ? String(UInt64(token.dropFirst(2), radix: 16) ?? 0) : String(token)
            }
            out[key] = value
            s = s.drop { $0 == "," || $0 == " " }
        }
        return out
    }
}
