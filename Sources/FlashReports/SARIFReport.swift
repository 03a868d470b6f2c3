import FlashAnalysis
import FlashTraceIO

// `replay --format sarif`: a SARIF 2.1.0 log (OASIS), the form GitHub code scanning and other CI
// tools take in. One result per finding kept in full, located at the trace file's line, with the
// device and the device offset as logical locations; the full rule catalogue with help texts.
// Findings the report only counts (beyond its per-rule cap) are named in a tool notification.

public struct SARIFReport {
    public let report: ReplayReport
    /// Last input line, the location of findings that belong to the end of the trace.
    public let lastLine: Int?
    public var toolVersion: String?

    public init(report: ReplayReport, lastLine: Int?, toolVersion: String? = nil) {
        self.report = report
        self.lastLine = lastLine
        self.toolVersion = toolVersion
    }

    public var json: JSONValue {
        var driver: [(String, JSONValue)] = [("name", "flashtrace")]
        if let toolVersion { driver.append(("version", .string(toolVersion))) }
        driver.append(("rules", .array(Rule.allCases.map(Self.rule))))
        let run: [(String, JSONValue)] = [
            ("tool", .object([("driver", .object(driver))])),
            ("invocations", .array([invocation])),
            ("artifacts", .array([.object([("location", .object([("uri", .string(uri))])),
                                           ("roles", .array(["analysisTarget"]))])])),
            ("results", .array(report.findings.map(result))),
            ("properties", .object([
                ("events", .uint(UInt64(report.events))), ("errors", .uint(UInt64(report.errors))),
                ("warnings", .uint(UInt64(report.warnings))), ("divergences", .uint(UInt64(report.divergences))),
            ])),
        ]
        return .object([
            ("$schema", "https://json.schemastore.org/sarif-2.1.0.json"),
            ("version", "2.1.0"),
            ("runs", .array([.object(run)])),
        ])
    }

    static func rule(_ r: Rule) -> JSONValue {
        // `name` is the rule id in UpperCamelCase, as SARIF viewers expect an identifier there.
        let name = r.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return .object([
            ("id", .string(r.rawValue)),
            ("name", .string(name)),
            ("shortDescription", .object([("text", .string(firstSentence(r.help)))])),
            ("fullDescription", .object([("text", .string(r.help))])),
            ("help", .object([("text", .string(r.help))])),
            ("defaultConfiguration", .object([("level", .string(level(r.severity)))])),
            ("properties", .object([("tags", .array(["flash", "firmware", .string(r.severity.rawValue)]))])),
        ])
    }

    static func level(_ s: Severity) -> String { s == .error ? "error" : "warning" }

    static func firstSentence(_ s: String) -> String {
        guard let dot = s.range(of: ": ") ?? s.range(of: ". ") else { return s }
        return String(s[..<dot.lowerBound]) + "."
    }

    private func result(_ f: Finding) -> JSONValue {
        var physical: [(String, JSONValue)] = [("artifactLocation", .object([("uri", .string(uri)), ("index", 0)]))]
        if let line = f.line ?? lastLine, line > 0 {
            physical.append(("region", .object([("startLine", .uint(UInt64(line)))])))
        }
        var logical: [JSONValue] = []
        if !f.device.isEmpty {
            logical.append(.object([("name", .string(f.device)), ("kind", "module")]))
            if let o = f.offset {
                logical.append(.object([("name", .string(Markup.hex(o))),
                                        ("fullyQualifiedName", .string("\(f.device)+\(Markup.hex(o))")),
                                        ("kind", "element")]))
            }
        }
        var location: [(String, JSONValue)] = [("physicalLocation", .object(physical))]
        if !logical.isEmpty { location.append(("logicalLocations", .array(logical))) }
        var properties: [(String, JSONValue)] = [("device", .string(f.device))]
        if let seq = f.seq { properties.append(("seq", .uint(seq))) }
        if let o = f.offset { properties.append(("offset", .uint(o))) }
        // Stable across runs of the same firmware: lines and seq move, rule/device/offset do not.
        let fingerprint = "\(f.rule.rawValue):\(f.device):\(f.offset.map(Markup.hex) ?? "-")"
        return .object([
            ("ruleId", .string(f.rule.rawValue)),
            ("ruleIndex", .uint(UInt64(Rule.allCases.firstIndex(of: f.rule)!))),
            ("level", .string(Self.level(f.severity))),
            ("message", .object([("text", .string(f.message))])),
            ("locations", .array([.object(location)])),
            ("partialFingerprints", .object([("flashtraceFinding/v1", .string(fingerprint))])),
            ("properties", .object(properties)),
        ])
    }

    private var invocation: JSONValue {
        var notes: [JSONValue] = []
        let listed = Dictionary(grouping: report.findings) { "\($0.device)/\($0.rule.rawValue)" }.mapValues(\.count)
        for (key, n) in report.counts.sorted(by: { $0.key < $1.key }) where n > listed[key, default: 0] {
            notes.append(.object([
                ("level", "note"),
                ("message", .object([("text", .string("\(key): \(n) findings, \(listed[key, default: 0]) listed as results (the report keeps the first ones of each rule and device)"))])),
            ]))
        }
        var inv: [(String, JSONValue)] = [("executionSuccessful", true)]
        if !notes.isEmpty { inv.append(("toolExecutionNotifications", .array(notes))) }
        return .object(inv)
    }

    /// The trace as a URI reference: relative paths stay relative (GitHub resolves them against
    /// the repository root), absolute ones become file:// URIs; other bytes are percent-encoded.
    var uri: String {
        let path = report.trace
        var out = path.hasPrefix("/") ? "file://" : ""
        for b in path.utf8 {
            let c = Character(Unicode.Scalar(b))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~/".contains(c)) { out.append(c) } else {
                let h = String(b, radix: 16, uppercase: true)
                out += "%" + (h.count < 2 ? "0" : "") + h
            }
        }
        return out
    }
}
