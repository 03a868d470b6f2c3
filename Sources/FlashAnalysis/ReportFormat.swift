import FlashTraceIO

// Rendering of a replay report: text for people (readable in ten seconds) and JSON for tools.
// The JSON layout is documented in the README ("Report format (JSON)").

extension ReplayReport {
    /// Human-readable sizes: 768 KiB, 64 MiB, 1.5 GiB.
    public static func size(_ bytes: UInt64) -> String {
        if bytes == 0 { return "0" }
        let units: [(UInt64, String)] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (unit, name) in units where bytes >= unit {
            if bytes % unit == 0 { return "\(bytes / unit) \(name)" }
            let tenths = bytes * 10 / unit
            return "\(tenths / 10).\(tenths % 10) \(name)"
        }
        return "\(bytes) B"
    }

    public func text(examplesPerRule: Int = 3) -> String {
        var out = "flashtrace replay: \(trace): \(events) events, \(devices.count) device\(devices.count == 1 ? "" : "s")\n"
        out += "result: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"), \(divergences) divergence\(divergences == 1 ? "" : "s")\n"
        if let t = truncatedLine { out += "note: line \(t) is cut off; replayed up to line \(t - 1)\n" }
        if !assumptions.isEmpty {
            out += "\nDevices (not declared by the trace; assumed from evidence)\n"
            for a in assumptions {
                out += "  \(a.device.isEmpty ? "trace" : a.device): \(a.fact): \(a.basis)\(a.fix.map { " (otherwise: \($0))" } ?? "")\n"
            }
        }

        let byRule = Dictionary(grouping: findings, by: \.rule)
        if !counts.isEmpty {
            out += "\nFindings\n"
            for rule in Rule.allCases.sorted(by: { ($0.severity, $1.rawValue) > ($1.severity, $0.rawValue) }) {
                let n = count(rule)
                if n == 0 { continue }
                out += "  \(rule.severity.rawValue.padding(7)) \(rule.rawValue) ×\(n)\n"
                for f in (byRule[rule] ?? []).prefix(examplesPerRule) {
                    var place = f.device.isEmpty ? "" : f.device
                    if let seq = f.seq { place += " seq \(seq)" }
                    if let line = f.line { place += " line \(line)" }
                    if let o = f.offset { place += " @\(hex(o))" }
                    out += "    \(place): \(f.message)\n"
                }
                if n > examplesPerRule { out += "    … \(n - examplesPerRule) more\n" }
            }
        }

        out += "\nExtent (smallest safe image: every access and erase of this trace stays inside it;\n"
        out += "reads made in read-array mode never appear in a QEMU trace, so for reads it is a lower bound)\n"
        var rows = [["device", "type", "region", "backing", "written to", "erased to", "read to", "smallest safe", "saves per VM", "per 100 VMs"]]
        for d in devices {
            // A device the trace never touched says nothing about its size (reads in read-array
            // mode are not traced): no figure rather than a misleading 0.
            let untouched = d.smallestSafeImage == 0
            rows.append([d.name, d.type.rawValue, Self.size(d.regionSize), Self.size(d.backingSize),
                         d.writtenEnd == 0 ? "-" : hex(d.writtenEnd), d.erasedEnd == 0 ? "-" : hex(d.erasedEnd),
                         d.readEnd == 0 ? "-" : hex(d.readEnd), untouched ? "n/a (no traced access)" : Self.size(d.smallestSafeImage),
                         untouched ? "-" : Self.size(d.savedBytes), untouched ? "-" : Self.size(d.savedBytes * 100)])
        }
        out += table(rows)
        for d in devices where d.writtenEnd > 0 || d.erasedEnd > 0 {
            let edge = max(d.writtenEnd, d.erasedEnd)
            out += "  \(d.name): every write and erase lies below \(hex(edge)) (\(Self.size(edge))); nothing was written at or beyond it\n"
        }
        out += "\nCounts\n"
        var counts = [["device", "writes", "reads", "programs", "buffer writes", "erases", "status polls", "outside image"]]
        for d in devices {
            counts.append([d.name, "\(d.writes)", "\(d.reads)", "\(d.programs)", "\(d.bufferWrites)", "\(d.erases)",
                           "\(d.statusPolls)", "\(d.outerReads + d.outerWrites)"])
        }
        out += table(counts)
        for d in devices where !d.erasesPerBlock.isEmpty {
            let blocks = d.erasesPerBlock.sorted { $0.key < $1.key }
            let shown = blocks.prefix(12).map { "\(hex($0.key))×\($0.value)" }.joined(separator: " ")
            out += "  \(d.name) erases per block: \(shown)\(blocks.count > 12 ? " … (\(blocks.count) blocks)" : "")\n"
        }
        out += variablesText()
        return out
    }

    private func table(_ rows: [[String]]) -> String { textTable(rows, indent: "  ") }

    public var json: JSONValue {
        .object([
            ("trace", .string(trace)),
            ("devices", .array(devices.map { d in
                .object([
                    ("name", .string(d.name)), ("type", .string(d.type.rawValue)),
                    ("size", .uint(d.regionSize)), ("backing-size", .uint(d.backingSize)),
                    ("extent", .object([
                        ("written-end", .uint(d.writtenEnd)), ("erased-end", .uint(d.erasedEnd)),
                        ("read-end", .uint(d.readEnd)), ("access-end", .uint(d.accessEnd)),
                        ("smallest-safe-image", .uint(d.smallestSafeImage)),
                        ("saved-bytes", .uint(d.savedBytes)), ("saved-bytes-per-100-vms", .uint(d.savedBytes * 100)),
                        ("reads-lower-bound", .bool(true)),
                    ])),
                    ("counts", .object([
                        ("writes", .uint(UInt64(d.writes))), ("reads", .uint(UInt64(d.reads))),
                        ("programs", .uint(UInt64(d.programs))), ("buffer-writes", .uint(UInt64(d.bufferWrites))),
                        ("erases", .uint(UInt64(d.erases))), ("status-polls", .uint(UInt64(d.statusPolls))),
                        ("outer-reads", .uint(UInt64(d.outerReads))), ("outer-writes", .uint(UInt64(d.outerWrites))),
                        ("erases-per-block", .object(d.erasesPerBlock.sorted { $0.key < $1.key }
                            .map { (hex($0.key), .uint(UInt64($0.value))) })),
                    ])),
                ])
            })),
            ("findings", .array(findings.map { f in
                .object([
                    ("rule", .string(f.rule.rawValue)), ("severity", .string(f.severity.rawValue)),
                    ("dev", .string(f.device)), ("seq", f.seq.map { .uint($0) } ?? .null),
                    ("line", f.line.map { .uint(UInt64($0)) } ?? .null),
                    ("offset", f.offset.map { .uint($0) } ?? .null), ("message", .string(f.message)),
                ])
            })),
            ("counts", .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .uint(UInt64($0.value))) })),
            ("assumptions", .array(assumptions.map { a in
                .object([("dev", .string(a.device)), ("fact", .string(a.fact)), ("basis", .string(a.basis)),
                         ("fix", a.fix.map(JSONValue.string) ?? .null)])
            })),
            ("variable-stores", variablesJSON),
            ("summary", .object([
                ("events", .uint(UInt64(events))), ("errors", .uint(UInt64(errors))),
                ("warnings", .uint(UInt64(warnings))), ("divergences", .uint(UInt64(divergences))),
                ("truncated-line", truncatedLine.map { .uint(UInt64($0)) } ?? .null),
            ])),
        ])
    }
}

/// Rows as aligned columns (the last column unpadded), each line indented: the report's tables.
func textTable(_ rows: [[String]], indent: String) -> String {
    var widths = [Int](repeating: 0, count: rows[0].count)
    for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
    return rows.map { r in
        indent + r.enumerated().map { i, c in i == r.count - 1 ? c : c.padding(widths[i]) }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
