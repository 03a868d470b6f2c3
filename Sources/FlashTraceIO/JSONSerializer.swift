// Compact JSON output (no spaces), the form the JSON-lines writer puts on every line.

extension JSONValue {
    /// Compact serialization, e.g. `{"format":"flashtrace","version":1}`.
    public var serialized: String {
        var out: [UInt8] = []
        serialize(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public func serialize(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .uint(let v): ByteText.appendDecimal(v, to: &out)
        case .int(let v):
            if v < 0 { out.append(UInt8(ascii: "-")) }
            ByteText.appendDecimal(v.magnitude, to: &out)
        case .string(let s): JSONEscaping.appendQuoted(s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (k, e) in elements.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                e.serialize(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (k, (key, value)) in members.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                JSONEscaping.appendQuoted(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.serialize(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

enum JSONEscaping {
    /// Bytes that cannot appear raw inside a JSON string.
    @inline(__always)
    static func needsEscape(_ c: UInt8) -> Bool { c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") }

    /// The escape for one byte that `needsEscape`; returns its length (≤ 6) written to `out`.
    @inline(__always)
    static func writeEscape(_ c: UInt8, to out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = UInt8(ascii: "\\")
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out[1] = c
        case 0x0A: out[1] = UInt8(ascii: "n")
        case 0x0D: out[1] = UInt8(ascii: "r")
        case 0x09: out[1] = UInt8(ascii: "t")
        case 0x08: out[1] = UInt8(ascii: "b")
        case 0x0C: out[1] = UInt8(ascii: "f")
        default:
            let hex: StaticString = "0123456789abcdef"
            out[1] = UInt8(ascii: "u"); out[2] = 0x30; out[3] = 0x30
            out[4] = hex.utf8Start[Int(c >> 4)]; out[5] = hex.utf8Start[Int(c & 0xF)]
            return 6
        }
        return 2
    }

    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            if needsEscape(c) {
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 6) { tmp in
                    let n = writeEscape(c, to: tmp.baseAddress!)
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: tmp[0..<n]))
                }
            } else {
                out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
