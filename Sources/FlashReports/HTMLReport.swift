import FlashAnalysis

// `replay --format html`: one self-contained page (inline CSS and SVG, no script, nothing
// fetched) with the result, the findings table, a flash map per device, the timeline, and the
// extent and count tables. The tables carry everything; the pictures are for seeing it at once.

public struct HTMLReport {
    public let report: ReplayReport
    public let activity: ReplayActivity
    /// Findings of one rule listed in full; the rest are counted.
    public var findingsPerRule = 25

    public init(report: ReplayReport, activity: ReplayActivity) {
        self.report = report
        self.activity = activity
    }

    public func render() -> String {
        var s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        s += "<title>flashtrace: \(Markup.escape(report.trace))</title>\n<style>\n\(HTMLStyle.css)</style>\n</head>\n<body>\n"
        s += header()
        s += findings()
        s += maps()
        s += timeline()
        s += variables()
        s += extent()
        s += rules()
        s += "<footer>flashtrace replay report · self-contained: no scripts, nothing loaded from elsewhere</footer>\n</body>\n</html>\n"
        return s
    }

    private func header() -> String {
        let r = report
        let state = r.errors > 0 ? "bad" : r.warnings > 0 ? "warn" : "ok"
        var s = "<header>\n<h1>flashtrace replay report</h1>\n<p class=\"trace\">\(Markup.escape(r.trace))</p>\n"
        s += "<p class=\"result \(state)\">\(r.errors) error\(r.errors == 1 ? "" : "s"), \(r.warnings) warning\(r.warnings == 1 ? "" : "s"), \(r.divergences) divergence\(r.divergences == 1 ? "" : "s")"
        s += " <span class=\"meta\">· \(Markup.count(r.events)) events · \(r.devices.count) device\(r.devices.count == 1 ? "" : "s")</span></p>\n"
        if let t = r.truncatedLine { s += "<p class=\"note\">Line \(t) is cut off; replayed up to line \(t - 1).</p>\n" }
        s += "<nav><a href=\"#findings\">Findings</a> <a href=\"#maps\">Flash maps</a> <a href=\"#timeline\">Timeline</a>\(report.variableStores.isEmpty ? "" : " <a href=\"#variables\">UEFI variables</a>") <a href=\"#extent\">Extent and counts</a> <a href=\"#rules\">Rules</a></nav>\n</header>\n"
        return s
    }

    private func findings() -> String {
        var s = "<section id=\"findings\">\n<h2>Findings</h2>\n"
        let rules = Rule.allCases.filter { report.count($0) > 0 }
            .sorted { ($0.severity, $1.rawValue) > ($1.severity, $0.rawValue) }
        if rules.isEmpty { return s + "<p class=\"none\">No findings.</p>\n</section>\n" }
        s += "<table class=\"findings\">\n<thead><tr><th>severity</th><th>rule</th><th>device</th><th>seq</th><th>line</th><th>offset</th><th>message</th></tr></thead>\n<tbody>\n"
        let byRule = Dictionary(grouping: report.findings, by: \.rule)
        for rule in rules {
            let n = report.count(rule)
            s += "<tr class=\"rulehead\"><td><span class=\"sev \(rule.severity.rawValue)\">\(rule.severity.rawValue)</span></td><td colspan=\"6\"><a href=\"#rule-\(rule.rawValue)\">\(rule.rawValue)</a> ×\(Markup.count(n))</td></tr>\n"
            let listed = (byRule[rule] ?? []).prefix(findingsPerRule)
            for f in listed {
                s += "<tr><td></td><td></td><td>\(Markup.escape(f.device))</td><td>\(f.seq.map { "\($0)" } ?? "")</td>"
                s += "<td>\(f.line.map { "\($0)" } ?? "")</td><td class=\"mono\">\(f.offset.map(Markup.hex) ?? "")</td>"
                s += "<td>\(Markup.escape(f.message))</td></tr>\n"
            }
            if n > listed.count {
                s += "<tr class=\"more\"><td></td><td></td><td colspan=\"5\">… \(Markup.count(n - listed.count)) more (the JSON report lists up to 200 per rule and device)</td></tr>\n"
            }
        }
        return s + "</tbody>\n</table>\n</section>\n"
    }

    private func maps() -> String {
        var s = "<section id=\"maps\">\n<h2>Flash maps</h2>\n"
        s += "<p class=\"legend\"><span class=\"key\" style=\"background:hsl(214,72%,40%)\"></span>bytes programmed (darker: more)"
        s += " <span class=\"key\" style=\"background:#dbe6f5\"></span>commands only"
        s += " <span class=\"key\" style=\"background:#eceff3\"></span>untouched"
        s += " <span class=\"key erase\"></span>erases (band height, count)"
        s += " <span class=\"dot error\"></span>error <span class=\"dot warning\"></span>warning"
        s += " <span class=\"line backing\"></span>backing image ends <span class=\"line safe\"></span>smallest safe image"
        s += " <span class=\"key hatch\"></span>beyond the backing image</p>\n<div class=\"maps\">\n"
        for (d, device) in activity.devices.enumerated() where d < report.devices.count {
            let stats = report.devices[d]
            let map = FlashMapSVG(device: device, stats: stats)
            s += "<figure>\n<figcaption><b>\(Markup.escape(device.name))</b> \(device.type.rawValue)\(device.readonly ? ", read-only" : "") · "
            s += "\(device.geometry.blockCount) blocks of \(blockSizes(device)) · region \(Markup.size(device.regionSize)), backing \(Markup.size(device.backingSize))"
            s += stats.smallestSafeImage > 0 ? " · smallest safe image \(Markup.size(stats.smallestSafeImage))" : " · no traced access"
            if map.blocksPerCell > 1 { s += " · one cell = \(map.blocksPerCell) blocks" }
            s += "</figcaption>\n\(map.render())\n</figure>\n"
        }
        return s + "</div>\n</section>\n"
    }

    private func blockSizes(_ d: DeviceActivity) -> String {
        d.geometry.regions.map { Markup.size($0.length) }.joined(separator: " / ")
    }

    private func timeline() -> String {
        let axis = activity.timeline
        var s = "<section id=\"timeline\">\n<h2>Timeline</h2>\n<p class=\"legend\">"
        s += axis.kind == .time
            ? "Along the trace's clock (\(Markup.duration(axis.width)) per column)"
            : "Along the event sequence (\(Markup.count(Int(axis.width))) event\(axis.width == 1 ? "" : "s") per column; the trace has no clock)"
        s += ". <span class=\"key\" style=\"background:#7b4fa8\"></span>inside a command sequence (darker: a larger share of the inputs)"
        s += " <span class=\"key erase\"></span>erases <span class=\"key\" style=\"background:#1f5fbf\"></span>bytes programmed"
        s += " <span class=\"tri error\">▼</span>error <span class=\"tri warning\">▼</span>warning</p>\n"
        s += TimelineSVG(activity: activity).render() + "\n</section>\n"
        return s
    }

    private func extent() -> String {
        var s = "<section id=\"extent\">\n<h2>Extent</h2>\n"
        s += "<p>The smallest safe image keeps every access and erase of this trace inside it. Reads in read-array mode never appear in a QEMU trace, so for reads it is a lower bound.</p>\n"
        s += "<table>\n<thead><tr><th>device</th><th>type</th><th>region</th><th>backing</th><th>written to</th><th>erased to</th><th>read to</th><th>smallest safe</th><th>saves per VM</th><th>per 100 VMs</th></tr></thead>\n<tbody>\n"
        for d in report.devices {
            let untouched = d.smallestSafeImage == 0
            let cells = [d.name, d.type.rawValue, Markup.size(d.regionSize), Markup.size(d.backingSize),
                         d.writtenEnd == 0 ? "-" : Markup.hex(d.writtenEnd), d.erasedEnd == 0 ? "-" : Markup.hex(d.erasedEnd),
                         d.readEnd == 0 ? "-" : Markup.hex(d.readEnd),
                         untouched ? "n/a (no traced access)" : Markup.size(d.smallestSafeImage),
                         untouched ? "-" : Markup.size(d.savedBytes), untouched ? "-" : Markup.size(d.savedBytes * 100)]
            s += "<tr>" + cells.map { "<td>\(Markup.escape($0))</td>" }.joined() + "</tr>\n"
        }
        s += "</tbody>\n</table>\n<h3>Counts</h3>\n<table>\n<thead><tr><th>device</th><th>writes</th><th>reads</th><th>programs</th><th>buffer writes</th><th>erases</th><th>status polls</th><th>outside image</th><th>erases per block</th></tr></thead>\n<tbody>\n"
        for d in report.devices {
            let blocks = d.erasesPerBlock.sorted { $0.key < $1.key }
            var perBlock = blocks.prefix(16).map { "\(Markup.hex($0.key))×\($0.value)" }.joined(separator: " ")
            if blocks.count > 16 { perBlock += " … (\(blocks.count) blocks)" }
            let cells = [d.name, Markup.count(d.writes), Markup.count(d.reads), Markup.count(d.programs),
                         Markup.count(d.bufferWrites), Markup.count(d.erases), Markup.count(d.statusPolls),
                         Markup.count(d.outerReads + d.outerWrites), perBlock]
            s += "<tr>" + cells.map { "<td>\(Markup.escape($0))</td>" }.joined() + "</tr>\n"
        }
        return s + "</tbody>\n</table>\n</section>\n"
    }

    private func rules() -> String {
        var s = "<section id=\"rules\">\n<h2>Rules</h2>\n<dl class=\"rules\">\n"
        for rule in Rule.allCases {
            let n = report.count(rule)
            s += "<dt id=\"rule-\(rule.rawValue)\"><span class=\"sev \(rule.severity.rawValue)\">\(rule.severity.rawValue)</span> \(rule.rawValue)\(n > 0 ? " <b>×\(Markup.count(n))</b>" : "")</dt>"
            s += "<dd>\(Markup.escape(rule.help))</dd>\n"
        }
        return s + "</dl>\n</section>\n"
    }
}
