import Foundation
import XCTest

// flashtrace must start and do everything but LTTng where the LTTng runtime (and libbabeltrace2)
// is missing: the libraries are hidden in a private mount namespace by binding /dev/null over
// them, so dlopen fails exactly as on a machine without them.

final class LTTngRuntimeAbsentTests: XCTestCase {
    func testBinaryDoesNotLinkLTTngOrBabeltrace() throws {
        let r = try shell("ldd \(q(flashtraceBinary))", timeout: 30)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertFalse(r.output.contains("lttng"), r.output)
        XCTAssertFalse(r.output.contains("babeltrace"), r.output)
    }

    func testRecordAndReplayWorkWithoutTheRuntime() throws {
        try LTTngTools.require()
        let t = try temporaryDirectory("absent")
        defer { try? FileManager.default.removeItem(at: t) }
        let d = t.path
        let f = q(flashtraceBinary)
        let r = try shell("""
            set -u
            hidden=0
            for lib in liblttng-ust.so.1 liblttng-ust-tracepoint.so.1 libbabeltrace2.so.0; do
              for p in $(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF }'); do
                mount --bind /dev/null "$(readlink -f "$p")" && hidden=$((hidden + 1))
              done
            done
            echo "hidden=$hidden"
            cd \(q(d))
            mkdir ctf && touch ctf/metadata
            timeout 60 \(f) record --scenario cfi02-program-erase -o a.jsonl; echo "record-json rc=$?"
            timeout 60 \(f) replay a.jsonl > report.txt; echo "replay-json rc=$?"
            timeout 60 \(f) record --sink both -o b.jsonl; echo "record-lttng rc=$?"
            test -e b.jsonl && echo "b.jsonl exists"
            timeout 60 \(f) replay ctf; echo "replay-ctf rc=$?"
            """, timeout: 300, namespace: true)
        XCTAssertTrue(r.output.contains("hidden=3"), r.output)
        XCTAssertTrue(r.output.contains("record-json rc=0"), r.output)
        XCTAssertTrue(r.output.contains("replay-json rc=0"), r.output)
        let report = try String(contentsOfFile: "\(d)/report.txt", encoding: .utf8)
        XCTAssertTrue(report.contains("flashtrace replay: a.jsonl:"), report)
        XCTAssertTrue(r.output.contains("record-lttng rc=69"), r.output)
        XCTAssertTrue(r.output.contains("LTTng-UST runtime is not installed"), r.output)
        XCTAssertFalse(r.output.contains("b.jsonl exists"), r.output)
        XCTAssertTrue(r.output.contains("replay-ctf rc=69"), r.output)
        XCTAssertTrue(r.output.contains("needs libbabeltrace2"), r.output)
    }

    func testMissingProviderIsAClearError() throws {
        let t = try temporaryDirectory("noprov")
        defer { try? FileManager.default.removeItem(at: t) }
        let f = q(flashtraceBinary)
        let r = try shell("""
            cd \(q(t.path))
            FLASHTRACE_TP_LIB=/nonexistent/libflashtrace-tp.so timeout 60 \(f) record --sink lttng; echo "lttng rc=$?"
            FLASHTRACE_TP_LIB=/nonexistent/libflashtrace-tp.so timeout 60 \(f) record -o a.jsonl; echo "json rc=$?"
            """, timeout: 150)
        // Without liblttng-ust the runtime check speaks first; both are "unavailable" (69).
        XCTAssertTrue(r.output.contains("lttng rc=69"), r.output)
        XCTAssertTrue(r.output.contains("libflashtrace-tp.so was not found") || r.output.contains("runtime is not installed"), r.output)
        XCTAssertTrue(r.output.contains("json rc=0"), r.output)
    }
}
