// The HTML report's stylesheet, inline so the page needs nothing else. System fonts only.

enum HTMLStyle {
    static let css = """
        :root { --fg:#1d2330; --muted:#5b6475; --line:#d8dde6; --error:#c62828; --warning:#f2a900; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg); margin: 24px 32px; background: #fff; }
        h1 { font-size: 22px; margin: 0 0 2px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        h3 { font-size: 15px; margin: 18px 0 6px; }
        .trace { font-family: ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); margin: 0 0 6px; word-break: break-all; }
        .result { font-size: 17px; font-weight: 600; margin: 4px 0; } .result.bad { color: var(--error); } .result.warn { color: #a86b00; } .result.ok { color: #1b7f3b; }
        .meta { color: var(--muted); font-weight: 400; font-size: 14px; }
        nav a { margin-right: 14px; color: #1f5fbf; text-decoration: none; }
        table { border-collapse: collapse; margin: 6px 0; } th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; border-bottom: 1px solid #eef0f4; }
        th { color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--line); }
        table.findings td:last-child { max-width: 760px; } .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        tr.rulehead td { padding-top: 8px; font-weight: 600; } tr.more td { color: var(--muted); font-style: italic; }
        .sev { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px; font-weight: 600; }
        .sev.error { background: var(--error); } .sev.warning { background: var(--warning); color: #3a2a00; }
        .none { color: #1b7f3b; }
        .legend { color: var(--muted); } .key { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; margin: 0 4px 0 10px; border: 1px solid #c3c9d4; }
        .key.erase { background: #e07b00; } .key.hatch { background: repeating-linear-gradient(45deg, #f4f4f4 0 3px, #c9c9c9 3px 5px); }
        .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin: 0 4px 0 10px; vertical-align: -1px; }
        .dot.error, .tri.error { background: var(--error); color: var(--error); } .dot.warning { background: var(--warning); } .tri.warning { color: var(--warning); }
        .tri { background: none !important; margin-left: 10px; }
        .line { display: inline-block; width: 22px; height: 0; margin: 0 4px 3px 10px; vertical-align: middle; }
        .line.backing { border-top: 3px solid #b00020; } .line.safe { border-top: 3px dashed #1b7f3b; }
        .maps { display: flex; flex-wrap: wrap; gap: 8px 36px; } figure { margin: 0; max-width: 650px; } figcaption { margin: 0 0 4px; color: var(--muted); }
        figcaption b { color: var(--fg); }
        svg text { font: 11px system-ui, "DejaVu Sans", sans-serif; fill: var(--muted); }
        svg text.device { font-weight: 600; fill: var(--fg); font-size: 12px; } svg text.erasecount { fill: #fff; font-weight: 700; font-size: 10px; }
        svg text.rowlabel { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 10px; }
        svg .cell { stroke: none; } svg .laneback { fill: #f6f7f9; }
        svg .backing-edge { stroke: #b00020; stroke-width: 3; } svg .safe-edge { stroke: #1b7f3b; stroke-width: 3; stroke-dasharray: 6 4; }
        svg .axis { stroke: #8a93a3; stroke-width: 1; }
        dl.rules dt { margin-top: 6px; font-weight: 600; } dl.rules dd { margin: 2px 0 0 0; color: var(--muted); max-width: 900px; }
        footer { margin-top: 32px; color: var(--muted); font-size: 12px; }

        """
}
