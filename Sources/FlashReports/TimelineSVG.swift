import FlashAnalysis
import Foundation

// The boot's timeline: per device three lanes over seq or time (whichever the trace has):
// command sequences (shaded by the share of inputs inside one), erases, and bytes programmed
// (buffered writes and programs). Findings sit as triangles above their device. Every bucket
// carries a <title> so the numbers are there on hover, without any script.

struct TimelineSVG {
    let activity: ReplayActivity
    static let width = 1320.0
    static let label = 150.0
    static let lane = 26.0
    static let lanes = ["command sequences", "erases", "bytes programmed"]

    func render() -> String {
        let axis = activity.timeline
        let used = max(axis.used, 1)
        let plot = Self.width - Self.label - 10
        let bw = plot / Double(used)
        let groupHeight = 18 + Double(Self.lanes.count) * Self.lane + 10
        let hasTraceLane = axis.lanes.last.map { $0.contains { !$0.isEmpty } } ?? false
        let deviceCount = activity.devices.count
        let height = 10 + Double(deviceCount) * groupHeight + (hasTraceLane ? 30 : 0) + 40
        var s = "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Markup.n(Self.width))\" height=\"\(Markup.n(height))\" role=\"img\" aria-label=\"timeline\">\n"
        var y = 10.0
        for (d, device) in activity.devices.enumerated() {
            let buckets = Array(axis.lanes[d].prefix(used))
            s += "<text class=\"device\" x=\"4\" y=\"\(Markup.n(y + 12))\">\(Markup.escape(device.name))</text>\n"
            s += findingMarks(buckets, y: y + 8, bw: bw, axis: axis)
            y += 18
            let maxErases = buckets.map(\.erases).max() ?? 0
            let maxBytes = buckets.map(\.bytes).max() ?? 0
            for (l, name) in Self.lanes.enumerated() {
                let ly = y + Double(l) * Self.lane
                s += "<text class=\"lane\" x=\"\(Markup.n(Self.label - 8))\" y=\"\(Markup.n(ly + Self.lane / 2 + 4))\" text-anchor=\"end\">\(name)</text>\n"
                s += "<rect class=\"laneback\" x=\"\(Markup.n(Self.label))\" y=\"\(Markup.n(ly + 2))\" width=\"\(Markup.n(plot))\" height=\"\(Markup.n(Self.lane - 4))\"/>\n"
                for (i, b) in buckets.enumerated() where !b.isEmpty {
                    let x = Self.label + Double(i) * bw
                    s += bar(lane: l, b, x: x, y: ly, bw: bw, maxErases: maxErases, maxBytes: maxBytes,
                             title: "\(range(i, axis)): " + describe(b))
                }
            }
            y += Double(Self.lanes.count) * Self.lane + 10
        }
        if hasTraceLane {
            let buckets = Array(axis.lanes[deviceCount].prefix(used))
            s += "<text class=\"device\" x=\"4\" y=\"\(Markup.n(y + 12))\">trace</text>\n"
            s += findingMarks(buckets, y: y + 8, bw: bw, axis: axis)
            y += 30
        }
        s += ticks(axis: axis, used: used, y: y, plot: plot)
        s += "</svg>"
        return s
    }

    private func bar(lane: Int, _ b: TimelineBucket, x: Double, y: Double, bw: Double, maxErases: Int,
                     maxBytes: UInt64, title: String) -> String {
        let inner = Self.lane - 4, w = max(bw - (bw > 3 ? 0.5 : 0), 0.6)
        let rect: String
        switch lane {
        case 0:
            let inputs = b.writes + b.reads
            guard b.busy > 0, inputs > 0 else { return "" }
            let share = min(1, Double(b.busy) / Double(inputs))
            rect = "<rect x=\"\(Markup.n(x))\" y=\"\(Markup.n(y + 2))\" width=\"\(Markup.n(w))\" height=\"\(Markup.n(inner))\" fill=\"#7b4fa8\" fill-opacity=\"\(Markup.n(0.25 + 0.75 * share))\"/>"
        case 1:
            guard b.erases > 0 else { return "" }
            let hgt = max(3, inner * FlashMapSVG.logShare(UInt64(b.erases), UInt64(maxErases)))
            rect = "<rect x=\"\(Markup.n(x))\" y=\"\(Markup.n(y + 2 + inner - hgt))\" width=\"\(Markup.n(max(w, 2)))\" height=\"\(Markup.n(hgt))\" fill=\"#e07b00\"/>"
        default:
            guard b.bytes > 0 else { return "" }
            let hgt = max(2, inner * FlashMapSVG.logShare(b.bytes, maxBytes))
            rect = "<rect x=\"\(Markup.n(x))\" y=\"\(Markup.n(y + 2 + inner - hgt))\" width=\"\(Markup.n(w))\" height=\"\(Markup.n(hgt))\" fill=\"#1f5fbf\"/>"
        }
        return "<g><title>\(Markup.escape(title))</title>\(rect)</g>\n"
    }

    private func findingMarks(_ buckets: [TimelineBucket], y: Double, bw: Double, axis: TimelineAxis) -> String {
        var s = ""
        for (i, b) in buckets.enumerated() where b.errors + b.warnings > 0 {
            let cx = Self.label + (Double(i) + 0.5) * bw
            let colour = b.errors > 0 ? "#c62828" : "#f2a900"
            var t = "\(range(i, axis)): \(b.errors) error\(b.errors == 1 ? "" : "s"), \(b.warnings) warning\(b.warnings == 1 ? "" : "s")"
            if let f = b.firstFinding { t += "; first: \(f)" }
            s += "<g><title>\(Markup.escape(t))</title><path d=\"M\(Markup.n(cx - 5)) \(Markup.n(y - 7))H\(Markup.n(cx + 5))L\(Markup.n(cx)) \(Markup.n(y + 2))Z\" fill=\"\(colour)\"/></g>\n"
        }
        return s
    }

    private func describe(_ b: TimelineBucket) -> String {
        var parts = ["\(b.writes) writes", "\(b.reads) reads"]
        if b.sequences > 0 { parts.append("\(b.sequences) sequence\(b.sequences == 1 ? "" : "s") started") }
        if b.erases > 0 { parts.append("\(b.erases) erase\(b.erases == 1 ? "" : "s")") }
        if b.bufferWrites > 0 { parts.append("\(b.bufferWrites) buffered write\(b.bufferWrites == 1 ? "" : "s")") }
        if b.stores > 0 { parts.append("\(Markup.size(b.bytes)) programmed in \(b.stores) stores") }
        if b.polls > 0 { parts.append("\(b.polls) status polls") }
        return parts.joined(separator: ", ")
    }

    private func range(_ i: Int, _ axis: TimelineAxis) -> String {
        let lo = UInt64(i) * axis.width, hi = lo + axis.width
        switch axis.kind {
        case .seq: return axis.width == 1 ? "seq \(lo)" : "seq \(lo)–\(hi - 1)"
        case .time: return "\(Markup.duration(lo))–\(Markup.duration(hi))"
        }
    }

    /// About eight ticks at 1, 2 or 5 × 10^k units.
    private func ticks(axis: TimelineAxis, used: Int, y: Double, plot: Double) -> String {
        let domain = Double(UInt64(used) * axis.width)
        let raw = max(domain / 8, 1)
        let magnitude = pow(10, floor(log10(raw)))
        let norm = raw / magnitude
        let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude
        var s = "<line class=\"axis\" x1=\"\(Markup.n(Self.label))\" y1=\"\(Markup.n(y))\" x2=\"\(Markup.n(Self.label + plot))\" y2=\"\(Markup.n(y))\"/>\n"
        var v = 0.0
        while v <= domain {
            let x = Self.label + v / domain * plot
            let text = axis.kind == .seq ? Markup.count(Int(v)) : Markup.duration(UInt64(v))
            s += "<line class=\"axis\" x1=\"\(Markup.n(x))\" y1=\"\(Markup.n(y))\" x2=\"\(Markup.n(x))\" y2=\"\(Markup.n(y + 5))\"/>"
            s += "<text class=\"tick\" x=\"\(Markup.n(x))\" y=\"\(Markup.n(y + 17))\" text-anchor=\"middle\">\(text)</text>\n"
            v += step
        }
        let name = axis.kind == .seq ? "event number (seq)" : "time since the first event"
        s += "<text class=\"axisname\" x=\"\(Markup.n(Self.label))\" y=\"\(Markup.n(y + 33))\">\(name)</text>\n"
        return s
    }
}
