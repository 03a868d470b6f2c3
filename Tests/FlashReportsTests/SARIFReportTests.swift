import FlashAnalysis
import FlashReports
import FlashTraceIO
import Foundation
import XCTest

final class SARIFReportTests: XCTestCase {
    /// A trace with a finding at a line (unknown command) and one at the end (left in status mode).
    static let findingsOps = """
        # device: cfi01,name=f,addr=0,num-blocks=4,sector-length=4K,width=1
        writeb 0x10 0xee
        writeb 0x20 0x70
        readb 0x20

        """

    func sarif(_ trace: URL, images: [String: String] = [:]) throws -> (JSONValue, ReplayReport) {
        let run = try Fixtures.replay(trace, images: images)
        return (SARIFReport(report: run.report, lastLine: run.lastLine).json, run.report)
    }

    /// Validates with the official SARIF 2.1.0 schema in ../shared/schemas (python3-jsonschema).
    func validate(_ log: JSONValue, in dir: URL) throws {
        let python = try Fixtures.pythonWithJSONSchema()
        let schema = Fixtures.shared.appendingPathComponent("schemas/sarif-schema-2.1.0.json")
        guard FileManager.default.fileExists(atPath: schema.path) else { throw XCTSkip("no schema at \(schema.path)") }
        let file = dir.appendingPathComponent("log.sarif")
        try log.serialized.write(to: file, atomically: true, encoding: .utf8)
        let check = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(json.load(open(sys.argv[2]))), key=str)
            for e in errors: print(list(e.absolute_path), e.message)
            print('valid' if not errors else 'invalid')
            """
        let r = try Fixtures.run(python, ["-c", check, schema.path, file.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "valid", r.stdout)
    }

    func testFindingsBecomeResultsWithLocationsAndRules() throws {
        let dir = try Fixtures.temporaryDirectory()
        let trace = try Fixtures.record(Self.findingsOps, name: "bad", in: dir)
        let (log, report) = try sarif(trace)
        try validate(log, in: dir)

        XCTAssertEqual(log["version"]?.stringValue, "2.1.0")
        let run = try XCTUnwrap(log["runs"]?.arrayValue?.first)
        let rules = try XCTUnwrap(run["tool"]?["driver"]?["rules"]?.arrayValue)
        XCTAssertEqual(rules.map { $0["id"]?.stringValue }, Rule.allCases.map(\.rawValue))
        for (rule, entry) in zip(Rule.allCases, rules) {
            XCTAssertEqual(entry["help"]?["text"]?.stringValue, rule.help)
            XCTAssertEqual(entry["defaultConfiguration"]?["level"]?.stringValue, rule.severity == .error ? "error" : "warning")
        }
        let results = try XCTUnwrap(run["results"]?.arrayValue)
        XCTAssertEqual(results.count, report.findings.count)
        let unknown = try XCTUnwrap(results.first { $0["ruleId"]?.stringValue == "unknown-command" })
        XCTAssertEqual(unknown["level"]?.stringValue, "error")
        let location = try XCTUnwrap(unknown["locations"]?.arrayValue?.first)
        XCTAssertEqual(location["physicalLocation"]?["artifactLocation"]?["uri"]?.stringValue, "bad.jsonl")
        let finding = try XCTUnwrap(report.findings.first { $0.rule == .unknownCommand })
        XCTAssertEqual(location["physicalLocation"]?["region"]?["startLine"]?.uint64Value, UInt64(finding.line!))
        let logical = try XCTUnwrap(location["logicalLocations"]?.arrayValue)
        XCTAssertEqual(logical.map { $0["name"]?.stringValue }, ["f", "0x10"])
        XCTAssertEqual(logical.last?["fullyQualifiedName"]?.stringValue, "f+0x10")
        // An end-of-trace finding sits at the trace's last line.
        let left = try XCTUnwrap(results.first { $0["ruleId"]?.stringValue == "left-in-command-mode" })
        XCTAssertEqual(left["level"]?.stringValue, "warning")
        XCTAssertNotNil(left["locations"]?.arrayValue?.first?["physicalLocation"]?["region"]?["startLine"]?.uint64Value)
    }

    func testRealBootLogIsValid() throws {
        let dir = try Fixtures.temporaryDirectory()
        let log = try Fixtures.aavmfBoot(in: dir)
        let (sarif, _) = try sarif(log, images: ["virt.flash1": Fixtures.aavmfVars])
        try validate(sarif, in: dir)
        let results = try XCTUnwrap(sarif["runs"]?.arrayValue?.first?["results"]?.arrayValue)
        XCTAssertEqual(results.map { $0["ruleId"]?.stringValue }, ["write-to-read-only", "write-to-read-only"] + Array(repeating: "variable-loss-window", count: 14))
        XCTAssertEqual(results.prefix(3).map { $0["locations"]?.arrayValue?.first?["physicalLocation"]?["region"]?["startLine"]?.uint64Value }, [3, 5, 1514])
        let rules = try XCTUnwrap(sarif["runs"]?.arrayValue?.first?["tool"]?["driver"]?["rules"]?.arrayValue)
        XCTAssertTrue(rules.contains { $0["id"]?.stringValue == "write-outside-variable-store" }, "the catalogue has the variable rules")
    }

    func testCappedFindingsAreNamedInANotification() throws {
        let dir = try Fixtures.temporaryDirectory()
        // 250 unknown commands: the report keeps 200 in full and counts the rest.
        let ops = "# device: cfi01,name=f,addr=0,num-blocks=4,sector-length=4K,width=1\n"
            + String(repeating: "writeb 0x10 0xee\n", count: 250)
        let (log, report) = try sarif(try Fixtures.record(ops, name: "many", in: dir))
        try validate(log, in: dir)
        XCTAssertEqual(report.count(.unknownCommand), 250)
        let run = try XCTUnwrap(log["runs"]?.arrayValue?.first)
        XCTAssertEqual(run["results"]?.arrayValue?.count, report.findings.count)
        let notes = try XCTUnwrap(run["invocations"]?.arrayValue?.first?["toolExecutionNotifications"]?.arrayValue)
        XCTAssertTrue(notes.contains { $0["message"]?["text"]?.stringValue?.hasPrefix("f/unknown-command: 250 findings, 200 listed") == true })
    }
}
