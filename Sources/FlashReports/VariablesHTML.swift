import FlashAnalysis
import FlashVariables

// The page's "UEFI variables" section: per store a timeline (one row per variable, a mark per
// operation, rewrites of the store shaded) and the table of every operation.

extension HTMLReport {
    func variables() -> String {
        guard !report.variableStores.isEmpty else { return "" }
        var s = "<section id=\"variables\">\n<h2>UEFI variables</h2>\n"
        for store in report.variableStores {
            let l = store.layout
            s += "<h3>\(Markup.escape(store.device)): store \(Markup.hex(UInt64(l.storeOffset)))–\(Markup.hex(UInt64(l.storeEnd)))"
            s += " (\(l.authenticated ? "authenticated" : "plain"), FV at \(Markup.hex(UInt64(l.fvOffset))))</h3>\n"
            if store.partial { s += "<p class=\"note\">Partial view: no initial image for this device, so only what the trace wrote is known.</p>\n" }
            let amp = store.writeAmplification.map { Markup.n($0) + "×" } ?? "n/a"
            s += "<p>\(store.variables.count) variables, \(store.variables.filter(\.isLive).count) live at the end. "
            s += "\(Markup.count(Int(store.dataBytes))) bytes of variable data written, \(Markup.count(Int(store.cost.programmedBytes))) bytes programmed "
            s += "(write amplification \(amp)), \(Markup.size(store.cost.erasedBytes)) erased in \(store.cost.erases) erases. "
            s += "Fill at the end: \(Markup.count(store.fillEnd.live)) live, \(Markup.count(store.fillEnd.dead)) dead, \(Markup.count(store.fillEnd.free)) free bytes"
            if let n = store.bootsUntilFull { s += "; about \(n) more such boots before a reclaim" }
            s += ".</p>\n"
            s += timelineSVG(store)
            s += "<table>\n<thead><tr><th>seq</th><th>line</th><th>op</th><th>name</th><th>GUID</th><th>attributes</th><th>size</th><th>data</th></tr></thead>\n<tbody>\n"
            var ops: [(VariableView, VariableOp)] = []
            for v in store.variables { for op in v.history { ops.append((v, op)) } }
            ops.sort { ($0.1.at?.seq ?? 0) < ($1.1.at?.seq ?? 0) }
            for (v, op) in ops {
                let cells = [op.at.map { "\($0.seq)" } ?? "-", op.at.map { "\($0.line)" } ?? "-", op.kind.rawValue, v.name,
                             v.guid.description, VariableStoreView.attributeText(op.attributes),
                             op.kind == .delete ? "-" : "\(op.size)", op.kind == .delete ? "" : VariableStoreView.preview(op.data, bytes: 16)]
                s += "<tr>" + cells.enumerated().map { i, c in "<td\(i >= 4 ? " class=\"mono\"" : "")>\(Markup.escape(c))</td>" }.joined() + "</tr>\n"
            }
            s += "</tbody>\n</table>\n"
        }
        return s + "</section>\n"
    }

    /// One row per variable over the trace's seq range; rewrites shaded behind.
    private func timelineSVG(_ store: VariableStoreView) -> String {
        let rowH = 14.0, left = 170.0, width = 900.0
        let seqs = store.variables.flatMap { $0.history.compactMap { $0.at?.seq } } + store.rewrites.flatMap { [$0.start.seq] + ($0.end.map { [$0.seq] } ?? []) }
        let hi = Double(max(seqs.max() ?? 1, 1))
        let height = Double(store.variables.count) * rowH + 24
        func x(_ seq: UInt64) -> Double { left + Double(seq) / hi * (width - left - 10) }
        var s = "<svg class=\"vars\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"variable operations over the trace\">\n"
        for r in store.rewrites {
            let x0 = x(r.start.seq), x1 = r.end.map { x($0.seq) } ?? width - 10
            s += "<rect x=\"\(Markup.n(x0))\" y=\"0\" width=\"\(Markup.n(max(1, x1 - x0)))\" height=\"\(Markup.n(height - 20))\" fill=\"\(r.compacting ? "#cde" : "#fdd")\"><title>\(r.compacting ? "reclaim" : "rewrite in place") seq \(r.start.seq)–\(r.end.map { "\($0.seq)" } ?? "end")</title></rect>\n"
        }
        let colors: [VariableOpKind: String] = [.initial: "#888", .add: "#2a2", .update: "#26c", .delete: "#c22"]
        for (i, v) in store.variables.enumerated() {
            let y = Double(i) * rowH + 10
            s += "<text x=\"\(Markup.n(left - 6))\" y=\"\(Markup.n(y + 4))\" text-anchor=\"end\" font-size=\"10\">\(Markup.escape(v.name))</text>\n"
            for op in v.history {
                let cx = op.at.map { x($0.seq) } ?? left
                s += "<circle cx=\"\(Markup.n(cx))\" cy=\"\(Markup.n(y))\" r=\"4\" fill=\"\(colors[op.kind]!)\"><title>\(op.kind.rawValue) \(Markup.escape(v.name)) seq \(op.at.map { "\($0.seq)" } ?? "-"), \(op.size) bytes</title></circle>\n"
            }
        }
        s += "<text x=\"\(Int(left))\" y=\"\(Markup.n(height - 4))\" font-size=\"10\">seq 0</text><text x=\"\(Int(width - 10))\" y=\"\(Markup.n(height - 4))\" font-size=\"10\" text-anchor=\"end\">seq \(Int(hi))</text>\n"
        return s + "</svg>\n<p class=\"legend\">grey initial · green add · blue update · red delete; shaded: reclaims (blue) and in-place rewrites (red)</p>\n"
    }
}
