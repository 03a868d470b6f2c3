// Small text helpers shared by the HTML and SVG writers: escaping, sizes, hex, number formats.

enum Markup {
    /// Text for HTML/SVG element content and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// 768 KiB, 64 MiB, 1.5 GiB (the text report's style).
    static func size(_ bytes: UInt64) -> String {
        if bytes == 0 { return "0" }
        for (unit, name) in [(UInt64(1) << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")] where bytes >= unit {
            if bytes % unit == 0 { return "\(bytes / unit) \(name)" }
            let tenths = bytes * 10 / unit
            return "\(tenths / 10).\(tenths % 10) \(name)"
        }
        return "\(bytes) B"
    }

    static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

    /// A coordinate with at most two decimals (keeps SVG small and stable).
    static func n(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        return String(r)
    }

    /// Seconds/milliseconds/microseconds for a duration in ns.
    static func duration(_ ns: UInt64) -> String {
        if ns >= 1_000_000_000 { return trimmed(Double(ns) / 1e9) + " s" }
        if ns >= 1_000_000 { return trimmed(Double(ns) / 1e6) + " ms" }
        if ns >= 1_000 { return trimmed(Double(ns) / 1e3) + " µs" }
        return "\(ns) ns"
    }

    private static func trimmed(_ v: Double) -> String {
        let r = (v * 1000).rounded() / 1000
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// 18585 -> "18,585"
    static func count(_ v: Int) -> String {
        let s = String(v.magnitude)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (v < 0 ? "-" : "") + out
    }
}
