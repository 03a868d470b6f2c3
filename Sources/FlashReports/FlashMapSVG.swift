import FlashAnalysis
import Foundation

// The flash map of one device: every erase block a cell, filled by the bytes programmed into it,
// with a band for erases, a dot for findings, hatching past the backing image, and two lines: the
// backing image's edge and the smallest safe image. Devices with very many blocks group several
// blocks into one cell so the picture stays readable (the caption says so).

struct FlashMapSVG {
    let device: DeviceActivity
    let stats: DeviceStats
    static let maxCells = 4096
    static let width = 560.0
    static let labelWidth = 78.0

    var blocksPerCell: Int { max(1, (device.geometry.blockCount + Self.maxCells - 1) / Self.maxCells) }
    var cells: Int { (device.geometry.blockCount + blocksPerCell - 1) / blocksPerCell }
    /// 32 columns while that keeps the map within a dozen rows, else 64 (small cells, short map).
    var columns: Int { cells <= 32 * 12 ? 32 : 64 }
    var cellSize: Double { Self.width / Double(columns) }
    var rows: Int { (cells + columns - 1) / columns }

    /// A cell's counts: its blocks' counts added up.
    func counts(cell: Int) -> BlockCounts {
        var sum = BlockCounts()
        for b in cell * blocksPerCell..<min(device.geometry.blockCount, (cell + 1) * blocksPerCell) {
            guard let c = device.blocks[b] else { continue }
            sum.writes += c.writes; sum.stores += c.stores; sum.bytes += c.bytes
            sum.erases += c.erases; sum.errors += c.errors; sum.warnings += c.warnings
        }
        return sum
    }

    /// Position of a chip offset in cells (fractional inside a cell).
    func cellPosition(_ offset: UInt64) -> Double {
        let g = device.geometry
        guard offset < g.chipLength, let b = g.block(containing: offset) else { return Double(cells) }
        let frac = Double(offset - g.start(ofBlock: b)) / Double(g.length(ofBlock: b))
        return (Double(b) + frac) / Double(blocksPerCell)
    }

    func render() -> String {
        let h = cellSize, top = 6.0
        let height = top + Double(rows) * h + 8
        var s = "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Markup.n(Self.labelWidth + Self.width + 8))\" height=\"\(Markup.n(height))\" role=\"img\" aria-label=\"flash map of \(Markup.escape(device.name))\">\n"
        s += "<defs><pattern id=\"hatch-\(id)\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f4f4f4\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#c9c9c9\" stroke-width=\"2\"/></pattern></defs>\n"
        var maxBytes: UInt64 = 0, maxErases = 0
        var all: [BlockCounts] = []
        all.reserveCapacity(cells)
        for c in 0..<cells {
            let k = counts(cell: c)
            all.append(k)
            maxBytes = max(maxBytes, k.bytes)
            maxErases = max(maxErases, k.erases)
        }
        let backingCell = cellPosition(device.backingSize)
        // Labels 10 px high: skip rows when cells are smaller than that.
        let every = Int((12 / h).rounded(.up))
        for r in stride(from: 0, to: rows, by: every) {
            let y = top + Double(r) * h
            let offset = device.geometry.start(ofBlock: r * columns * blocksPerCell)
            s += "<text class=\"rowlabel\" x=\"\(Markup.n(Self.labelWidth - 6))\" y=\"\(Markup.n(y + h / 2 + 4))\" text-anchor=\"end\">\(Markup.hex(offset))</text>\n"
        }
        for c in 0..<cells {
            let x = Self.labelWidth + Double(c % columns) * h, y = top + Double(c / columns) * h
            let k = all[c]
            let beyond = Double(c) >= backingCell
            let fill = beyond && k.isEmpty ? "url(#hatch-\(id))" : Self.fill(bytes: k.bytes, max: maxBytes, touched: k.writes > 0)
            s += "<g><title>\(Markup.escape(title(cell: c, k, beyond: beyond)))</title>"
            s += "<rect x=\"\(Markup.n(x + 0.5))\" y=\"\(Markup.n(y + 0.5))\" width=\"\(Markup.n(h - 1))\" height=\"\(Markup.n(h - 1))\" fill=\"\(fill)\" class=\"cell\"/>"
            if k.erases > 0 {
                let band = max(2, (h - 1) * 0.45 * Self.logShare(UInt64(k.erases), UInt64(maxErases)))
                s += "<rect x=\"\(Markup.n(x + 0.5))\" y=\"\(Markup.n(y + h - 0.5 - band))\" width=\"\(Markup.n(h - 1))\" height=\"\(Markup.n(band))\" fill=\"#e07b00\"/>"
                // The count only where it fits (about 6 px a digit); the tooltip always has it.
                if h >= 16 && Double(String(k.erases).count) * 6 <= h - 3 {
                    s += "<text class=\"erasecount\" x=\"\(Markup.n(x + h / 2))\" y=\"\(Markup.n(y + h / 2 + 2))\" text-anchor=\"middle\">\(k.erases)</text>"
                }
            }
            if k.errors + k.warnings > 0 {
                let r = max(2.5, h * 0.18)
                s += "<circle cx=\"\(Markup.n(x + h - r - 1))\" cy=\"\(Markup.n(y + r + 1))\" r=\"\(Markup.n(r))\" fill=\"\(k.errors > 0 ? "#c62828" : "#f2a900")\" stroke=\"#fff\" stroke-width=\"1\"/>"
            }
            s += "</g>\n"
        }
        s += edge(at: backingCell, cls: "backing-edge", top: top)
        if stats.smallestSafeImage > 0 {
            s += edge(at: cellPosition(stats.smallestSafeImage), cls: "safe-edge", top: top)
        }
        s += "</svg>"
        return s
    }

    /// An id for the SVG's pattern, unique per device within the page.
    private var id: String {
        String(device.name.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) ? Character($0) : "-" })
    }

    /// The boundary between cells before `p` and from `p` on: a staircase across the grid.
    private func edge(at p: Double, cls: String, top: Double) -> String {
        let h = cellSize, cols = Double(columns)
        let x0 = Self.labelWidth
        if p >= Double(cells) {
            // At the chip's end: a bar after the last cell (a staircase there would outline the
            // empty rest of the last row).
            let row = Double(rows - 1), col = Double(cells) - row * cols
            let x = x0 + col * h
            return "<path class=\"\(cls)\" d=\"M\(Markup.n(x)) \(Markup.n(top + row * h - 2))V\(Markup.n(top + row * h + h + 2))\" fill=\"none\"/>\n"
        }
        let clamped = max(p, 0)
        let row = (clamped / cols).rounded(.down), col = clamped - row * cols
        let x = x0 + col * h, yTop = top + row * h, yBottom = yTop + h
        let d = col == 0
            ? "M\(Markup.n(x0)) \(Markup.n(yTop))H\(Markup.n(x0 + cols * h))"
            : "M\(Markup.n(x0)) \(Markup.n(yBottom))H\(Markup.n(x))V\(Markup.n(yTop))H\(Markup.n(x0 + cols * h))"
        return "<path class=\"\(cls)\" d=\"\(d)\" fill=\"none\"/>\n"
    }

    private func title(cell c: Int, _ k: BlockCounts, beyond: Bool) -> String {
        let first = c * blocksPerCell, last = min(device.geometry.blockCount, (c + 1) * blocksPerCell) - 1
        let start = device.geometry.start(ofBlock: first)
        let end = device.geometry.start(ofBlock: last) + device.geometry.length(ofBlock: last)
        var t = (first == last ? "block \(first)" : "blocks \(first)–\(last)") + " [\(Markup.hex(start)), \(Markup.hex(end)))"
        if k.isEmpty { t += ": untouched" } else {
            t += ": \(k.writes) write access\(k.writes == 1 ? "" : "es"), \(Markup.size(k.bytes)) programmed in \(k.stores) store\(k.stores == 1 ? "" : "s"), \(k.erases) erase\(k.erases == 1 ? "" : "s")"
            if k.errors > 0 { t += ", \(k.errors) error\(k.errors == 1 ? "" : "s")" }
            if k.warnings > 0 { t += ", \(k.warnings) warning\(k.warnings == 1 ? "" : "s")" }
        }
        if beyond { t += " (beyond the backing image)" }
        return t
    }

    /// Light grey untouched, pale blue for command-only accesses, then deeper blue by bytes (log scale).
    static func fill(bytes: UInt64, max: UInt64, touched: Bool) -> String {
        if bytes == 0 { return touched ? "#dbe6f5" : "#eceff3" }
        let share = logShare(bytes, max)
        let lightness = 78 - 48 * share
        return "hsl(214,72%,\(Markup.n(lightness))%)"
    }

    /// log(1+v)/log(1+max), so one byte still shows and the busiest block is darkest.
    static func logShare(_ v: UInt64, _ max: UInt64) -> Double {
        guard max > 0 else { return 0 }
        return log1p(Double(v)) / log1p(Double(max))
    }
}
