import FlashAnalysis
import FlashTraceIO

// The diff for people (text: nothing at all when the boots do not differ, like diff(1)) and for
// tools (JSON, documented in docs/reports.md).

extension BootDiff {
    /// Block rows shown per device in the text; JSON has them all.
    static let textBlocks = 40

    public func text() -> String {
        if isEmpty { return "" }
        var out = "flashtrace diff: A = \(a.trace), B = \(b.trace)\n"
        out += "result: \(plural(new(.error), "new error")), \(plural(new(.warning), "new warning")); "
        out += "\(plural(gone(.error), "error")) and \(plural(gone(.warning), "warning")) gone"
        if let p = firstParting { out += "; command streams part on \(p.device) after \(plural(p.agreeing, "equal write"))" }
        out += "\n"

        let changed = devices.filter(\.changed)
        if !changed.isEmpty {
            out += "\nDevices (A → B)\n"
            var rows = [["device", "writes", "reads", "programs", "buffer writes", "erases", "status polls", "outside image", "smallest safe image"]]
            for d in changed {
                guard let sa = d.a, let sb = d.b else {
                    rows.append([d.name, d.a == nil ? "only in B" : "only in A"] + Array(repeating: "", count: 7))
                    continue
                }
                rows.append([d.name, change(sa.writes, sb.writes), change(sa.reads, sb.reads), change(sa.programs, sb.programs),
                             change(sa.bufferWrites, sb.bufferWrites), change(sa.erases, sb.erases),
                             change(sa.statusPolls, sb.statusPolls),
                             change(sa.outerReads + sa.outerWrites, sb.outerReads + sb.outerWrites),
                             sizeChange(sa.smallestSafeImage, sb.smallestSafeImage)])
            }
            out += table(rows)
        }

        if changed.contains(where: { !$0.blocks.isEmpty }) {
            out += "\nBlocks that changed (A → B)\n"
            var rows = [["device", "block", "writes", "stores", "bytes programmed", "erases"]]
            var more: [String] = []
            for d in changed where !d.blocks.isEmpty {
                for c in d.blocks.prefix(Self.textBlocks) {
                    rows.append([d.name, Markup.hex(c.offset), change(c.a.writes, c.b.writes), change(c.a.stores, c.b.stores),
                                 sizeChange(c.a.bytes, c.b.bytes), change(c.a.erases, c.b.erases)])
                }
                if d.blocks.count > Self.textBlocks { more.append("  \(d.name): \(d.blocks.count - Self.textBlocks) more blocks changed (see --format json)\n") }
            }
            out += table(rows) + more.joined()
        }

        if !onlyA.isEmpty || !onlyB.isEmpty || !counts.isEmpty {
            out += "\nFindings\n"
            for f in onlyB { out += "  new in B:   \(describe(f))\n" }
            for f in onlyA { out += "  gone in B:  \(describe(f))\n" }
            for c in counts { out += "  \(c.rule.severity.rawValue) \(c.key): \(change(c.a, c.b))\n" }
        }

        if !streams.isEmpty {
            out += "\nCommand streams (io_write offset, size, value per device, in order)\n"
            for p in streams {
                if p.gaveUp {
                    out += "  \(p.device): \(plural(p.agreeing, "write")) agree; the streams drift too far apart to compare further\n"
                    continue
                }
                out += "  \(p.device): \(plural(p.agreeing, "write")) agree, then\n"
                out += "    A: " + (p.a.map(where_) ?? "ends (no more writes)") + "\n"
                out += "    B: " + (p.b.map(where_) ?? "ends (no more writes)") + "\n"
            }
        }
        return out
    }

    public var json: JSONValue {
        func side(_ d: DeviceStats?) -> JSONValue {
            guard let d else { return .null }
            return .object([
                ("writes", .uint(UInt64(d.writes))), ("reads", .uint(UInt64(d.reads))),
                ("programs", .uint(UInt64(d.programs))), ("buffer-writes", .uint(UInt64(d.bufferWrites))),
                ("erases", .uint(UInt64(d.erases))), ("status-polls", .uint(UInt64(d.statusPolls))),
                ("outside-image", .uint(UInt64(d.outerReads + d.outerWrites))),
                ("written-end", .uint(d.writtenEnd)), ("erased-end", .uint(d.erasedEnd)), ("read-end", .uint(d.readEnd)),
                ("smallest-safe-image", .uint(d.smallestSafeImage)),
            ])
        }
        func block(_ f: BlockFigures) -> JSONValue {
            .object([("writes", .uint(UInt64(f.writes))), ("stores", .uint(UInt64(f.stores))),
                     ("bytes", .uint(f.bytes)), ("erases", .uint(UInt64(f.erases)))])
        }
        func finding(_ f: Finding) -> JSONValue {
            .object([("rule", .string(f.rule.rawValue)), ("severity", .string(f.severity.rawValue)),
                     ("dev", .string(f.device)), ("seq", f.seq.map { .uint($0) } ?? .null),
                     ("line", f.line.map { .uint(UInt64($0)) } ?? .null),
                     ("offset", f.offset.map { .uint($0) } ?? .null), ("message", .string(f.message))])
        }
        func write(_ w: WriteRef?) -> JSONValue {
            guard let w else { return .null }
            return .object([("seq", .uint(w.seq)), ("line", .uint(UInt64(w.line))), ("event", .string(w.event.kind.name)),
                            ("offset", .uint(w.event.offset)), ("size", .uint(w.event.size)), ("value", .uint(w.event.value))])
        }
        return .object([
            ("a", .string(a.trace)), ("b", .string(b.trace)), ("identical", .bool(isEmpty)),
            ("summary", .object([
                ("new-errors", .uint(UInt64(new(.error)))), ("new-warnings", .uint(UInt64(new(.warning)))),
                ("gone-errors", .uint(UInt64(gone(.error)))), ("gone-warnings", .uint(UInt64(gone(.warning)))),
            ])),
            ("devices", .array(devices.filter(\.changed).map { d in
                .object([
                    ("name", .string(d.name)), ("a", side(d.a)), ("b", side(d.b)),
                    ("blocks", .array(d.blocks.map { c in
                        .object([("offset", .uint(c.offset)), ("length", .uint(c.length)), ("a", block(c.a)), ("b", block(c.b))])
                    })),
                ])
            })),
            ("findings", .object([
                ("only-a", .array(onlyA.map(finding))), ("only-b", .array(onlyB.map(finding))),
                ("counts", .array(counts.map { .object([("key", .string($0.key)), ("severity", .string($0.rule.severity.rawValue)),
                                                        ("a", .uint(UInt64($0.a))), ("b", .uint(UInt64($0.b)))]) })),
            ])),
            ("streams", .array(streams.map { p in
                .object([("device", .string(p.device)), ("agreeing-writes", .uint(UInt64(p.agreeing))),
                         ("gave-up", .bool(p.gaveUp)), ("a", write(p.a)), ("b", write(p.b))])
            })),
        ])
    }

    // MARK: helpers

    private func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

    private func change(_ x: Int, _ y: Int) -> String {
        x == y ? "\(x)" : "\(x) → \(y) (\(y > x ? "+" : "")\(y - x))"
    }

    private func sizeChange(_ x: UInt64, _ y: UInt64) -> String {
        if x == y { return Markup.size(x) }
        let delta = y > x ? "+" + Markup.size(y - x) : "-" + Markup.size(x - y)
        return "\(Markup.size(x)) → \(Markup.size(y)) (\(delta))"
    }

    private func describe(_ f: Finding) -> String {
        var place = f.device.isEmpty ? "" : f.device
        if let o = f.offset { place += " @\(Markup.hex(o))" }
        if let line = f.line { place += " line \(line)" }
        return "\(f.severity.rawValue) \(f.rule.rawValue) \(place): \(f.message)"
    }

    private func where_(_ w: WriteRef) -> String { "line \(w.line) (seq \(w.seq)): \(w.description)" }

    private func table(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: rows[0].count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            let cells = r.enumerated().map { i, c in i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count) }
            return "  " + cells.joined(separator: "  ").trimmingSuffixSpaces()
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    func trimmingSuffixSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
