import FlashTraceIO
import FlashVariables

// The "UEFI variables" view of a replay, in text and JSON (README, "Report format (JSON)"). The report
// section shows the first rows of each store's timeline; `flashtrace vars` shows all of them.

extension VariableStoreView {
    /// "NV+BS+RT" for the UEFI attribute bits (UEFI spec, GetVariable()), the rest in hex.
    public static func attributeText(_ a: UInt32) -> String {
        let names: [(UInt32, String)] = [(0x1, "NV"), (0x2, "BS"), (0x4, "RT"), (0x8, "HR"), (0x10, "AW"), (0x20, "AT"), (0x40, "AP")]
        var parts = names.filter { a & $0.0 != 0 }.map(\.1)
        let rest = a & ~0x7F
        if rest != 0 { parts.append("0x" + String(rest, radix: 16)) }
        return parts.isEmpty ? "0" : parts.joined(separator: "+")
    }

    /// The first bytes of a value in hex, and as text when they read as UCS-2 or ASCII.
    public static func preview(_ data: [UInt8], bytes: Int = 12) -> String {
        let shown = data.prefix(bytes).map { String(hexByte: $0) }.joined(separator: " ") + (data.count > bytes ? " …" : "")
        return shown
    }

    public func text(maxRows: Int? = nil) -> String {
        let l = layout
        var out = "  \(device): FV at \(hex(UInt64(l.fvOffset))) (\(ReplayReport.size(UInt64(l.fvLength)))), "
            + "\(l.authenticated ? "authenticated" : "plain") store \(hex(UInt64(l.storeOffset)))–\(hex(UInt64(l.storeEnd))) "
            + "(\(ReplayReport.size(UInt64(l.storeSize))))"
            + (l.working.map { ", FTW working \(hex(UInt64($0.lowerBound)))" } ?? "")
            + (l.spare.map { ", spare \(hex(UInt64($0.lowerBound)))–\(hex(UInt64($0.upperBound)))" } ?? "") + "\n"
        if partial { out += "    partial view: no initial image, so only what the trace wrote is known\n" }
        if let f = foundAt { out += "    the trace formatted this store (seq \(f.seq), line \(f.line))\n" }
        var rows = [["seq", "op", "name", "guid", "attributes", "size", "data"]]
        var ops: [(VariableView, VariableOp)] = []
        for v in variables { for op in v.history { ops.append((v, op)) } }
        ops.sort { ($0.1.at?.seq ?? 0) < ($1.1.at?.seq ?? 0) }
        let limit = maxRows ?? ops.count
        for (v, op) in ops.prefix(limit) {
            rows.append([op.at.map { "\($0.seq)" } ?? "-", op.kind.rawValue, v.name, v.guid.description,
                         Self.attributeText(op.attributes), op.kind == .delete ? "-" : "\(op.size)",
                         op.kind == .delete ? "" : Self.preview(op.data)])
        }
        out += textTable(rows, indent: "    ")
        if ops.count > limit { out += "    … \(ops.count - limit) more operations (flashtrace vars shows them all)\n" }
        let changedVars = variables.filter { $0.history.contains { $0.kind != .initial } }
        out += "    \(variables.count) variables, \(variables.filter(\.isLive).count) live at the end; \(changedVars.count) changed by this trace\n"
        func span(_ r: StoreRewrite) -> String {
            "seq \(r.start.seq)–\(r.end.map { "\($0.seq)" } ?? "end of trace (not finished)")\(r.throughSpare ? " through the FTW spare block" : "")"
        }
        let reclaims = rewrites.filter(\.compacting), inPlace = rewrites.filter { !$0.compacting }
        for (list, what) in [(reclaims, ("reclaim", "reclaims")), (inPlace, ("in-place rewrite", "in-place rewrites (erased and written back as they were)"))] where !list.isEmpty {
            let shown = list.count > 4 && maxRows != nil ? Array(list.prefix(3)) : list
            out += "    \(list.count) \(list.count == 1 ? what.0 : what.1): " + shown.map(span).joined(separator: ", ")
                + (shown.count < list.count ? ", … (flashtrace vars lists all)" : "") + "\n"
        }
        let amp = writeAmplification.map { String(format1: $0) + "×" } ?? "n/a"
        out += "    cost: \(dataBytes) bytes of variable data written, \(cost.programmedBytes) bytes programmed (write amplification \(amp)), "
            + "\(ReplayReport.size(cost.erasedBytes)) erased in \(cost.erases) erase\(cost.erases == 1 ? "" : "s")"
        if !cost.erasesPerBlock.isEmpty {
            out += " (" + cost.erasesPerBlock.sorted { $0.key < $1.key }.prefix(8).map { "\(hex(UInt64($0.key)))×\($0.value)" }.joined(separator: " ") + ")"
        }
        out += "\n"
        func fill(_ f: StoreFill) -> String { "live \(f.live), dead \(f.dead), free \(f.free) bytes" }
        out += "    fill at start: \(fill(fillStart)); at end: \(fill(fillEnd))\n"
        if let n = bootsUntilFull {
            out += "    this trace consumed \(consumed) bytes of the store: about \(n) more such boots before it must be reclaimed\n"
        } else {
            out += "    this trace consumed no store space\(rewrites.contains { $0.compacting } ? " after its last reclaim" : "")\n"
        }
        return out
    }

    public var json: JSONValue {
        let l = layout
        func range(_ r: Range<Int>?) -> JSONValue {
            r.map { .object([("offset", .uint(UInt64($0.lowerBound))), ("length", .uint(UInt64($0.count)))]) } ?? .null
        }
        func place(_ p: TracePlace?) -> [(String, JSONValue)] {
            [("seq", p.map { .uint($0.seq) } ?? .null), ("line", p.map { .uint(UInt64($0.line)) } ?? .null)]
        }
        func fill(_ f: StoreFill) -> JSONValue {
            .object([("live", .uint(UInt64(f.live))), ("dead", .uint(UInt64(f.dead))), ("free", .uint(UInt64(f.free)))])
        }
        var fields: [(String, JSONValue)] = []
        fields.append(("dev", .string(device)))
        fields.append(("offset", .uint(UInt64(l.fvOffset))))
        fields.append(("fv-length", .uint(UInt64(l.fvLength))))
        fields.append(("store-offset", .uint(UInt64(l.storeOffset))))
        fields.append(("store-size", .uint(UInt64(l.storeSize))))
        fields.append(("authenticated", .bool(l.authenticated)))
        fields.append(("partial", .bool(partial)))
        fields.append(("formatted-at", foundAt.map { .object(place($0)) } ?? .null))
        fields.append(("ftw-working", range(l.working)))
        fields.append(("ftw-spare", range(l.spare)))
        fields.append(("variables", .array(variables.map(Self.variableJSON))))
        fields.append(("reclaims", .array(rewrites.filter(\.compacting).map(rewriteJSON))))
        fields.append(("rewrites-in-place", .array(rewrites.filter { !$0.compacting }.map(rewriteJSON))))
        let perBlock: [(String, JSONValue)] = cost.erasesPerBlock.sorted { $0.key < $1.key }.map { (hex(UInt64($0.key)), .uint(UInt64($0.value))) }
        var amp: [(String, JSONValue)] = []
        amp.append(("data-bytes", .uint(dataBytes)))
        amp.append(("programmed-bytes", .uint(cost.programmedBytes)))
        amp.append(("programmed-in-spare", .uint(cost.programmedInSpare)))
        amp.append(("programmed-in-working", .uint(cost.programmedInWorking)))
        amp.append(("erased-bytes", .uint(cost.erasedBytes)))
        amp.append(("erases", .uint(UInt64(cost.erases))))
        amp.append(("erases-per-block", .object(perBlock)))
        amp.append(("write-amplification", writeAmplification.map { .string(String(format1: $0)) } ?? .null))
        fields.append(("amplification", .object(amp)))
        var fillFields: [(String, JSONValue)] = [("start", fill(fillStart)), ("end", fill(fillEnd))]
        fillFields.append(("consumed", .int(Int64(consumed))))
        fillFields.append(("boots-until-full", bootsUntilFull.map { .uint(UInt64($0)) } ?? .null))
        fields.append(("fill", .object(fillFields)))
        return .object(fields)
    }

    private static func variableJSON(_ v: VariableView) -> JSONValue {
        let history: [JSONValue] = v.history.map { op in
            var fields: [(String, JSONValue)] = [("op", .string(op.kind.rawValue))]
            fields.append(("seq", op.at.map { .uint($0.seq) } ?? .null))
            fields.append(("line", op.at.map { .uint(UInt64($0.line)) } ?? .null))
            fields.append(("attributes", .uint(UInt64(op.attributes))))
            fields.append(("size", .uint(UInt64(op.size))))
            if op.kind != .delete { fields.append(("data", .string(op.data.map { String(hexByte: $0) }.joined()))) }
            return .object(fields)
        }
        return .object([
            ("name", .string(v.name)), ("guid", .string(v.guid.description)), ("attributes", .uint(UInt64(v.attributes))),
            ("history", .array(history)),
            ("data-bytes", .uint(v.dataBytes)), ("changed-bytes", .uint(v.changedBytes)),
            ("programmed-bytes", .uint(v.programmedBytes)), ("rewritten-unchanged", .uint(UInt64(v.rewrites))),
        ])
    }

    private func rewriteJSON(_ r: StoreRewrite) -> JSONValue {
        .object([("seq-start", .uint(r.start.seq)), ("seq-end", r.end.map { .uint($0.seq) } ?? .null),
                 ("line-start", .uint(UInt64(r.start.line))), ("line-end", r.end.map { .uint(UInt64($0.line)) } ?? .null),
                 ("through-spare", .bool(r.throughSpare))])
    }
}

extension ReplayReport {
    /// The "UEFI variables" section: nothing when the trace's devices hold no store.
    public func variablesText(maxRows: Int? = 40) -> String {
        guard !variableStores.isEmpty else { return "" }
        return "\nUEFI variables\n" + variableStores.map { $0.text(maxRows: maxRows) }.joined(separator: "\n")
    }

    public var variablesJSON: JSONValue { .array(variableStores.map(\.json)) }
}

extension String {
    init(hexByte b: UInt8) { self = String(b >> 4, radix: 16) + String(b & 15, radix: 16) }
    init(format1 d: Double) {
        let tenths = Int((d * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
