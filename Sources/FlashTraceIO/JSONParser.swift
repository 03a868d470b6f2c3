// Strict RFC 8259 parser over UTF-8 bytes: no comments, no trailing commas, no leading zeros,
// no lone surrogates, whitespace only where the grammar allows it. Integers only (see JSONValue).

extension JSONValue {
    /// Deepest array/object nesting accepted; a hostile line cannot recurse the stack away.
    public static let maxDepth = 64

    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { bytes in Result { () throws(JSONError) in try parse(bytes: bytes) } }
        return try result.get()
    }

    public static func parse(bytes: [UInt8]) throws(JSONError) -> JSONValue {
        let result = bytes.withUnsafeBufferPointer { b in Result { () throws(JSONError) in try parse(bytes: b) } }
        return try result.get()
    }

    public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(JSONError) -> JSONValue {
        if let bad = ByteText.firstInvalidUTF8(bytes) { throw JSONError(offset: bad, message: "invalid UTF-8") }
        var parser = JSONParser(p: bytes)
        return try parser.document()
    }
}

struct JSONParser {
    let p: UnsafeBufferPointer<UInt8>
    var i = 0
    var depth = 0

    init(p: UnsafeBufferPointer<UInt8>) { self.p = p }

    mutating func document() throws(JSONError) -> JSONValue {
        skipWhitespace()
        let value = try self.value()
        skipWhitespace()
        if i < p.count { throw error("unexpected data after the JSON value") }
        return value
    }

    private func error(_ message: String) -> JSONError { JSONError(offset: i, message: message) }

    private func unexpected() -> JSONError {
        guard i < p.count else { return error("unexpected end of input") }
        let c = p[i]
        return error(c >= 0x20 && c < 0x7F ? "unexpected character '\(Character(Unicode.Scalar(c)))'"
                     : "unexpected byte 0x\(String(c, radix: 16))")
    }

    private mutating func skipWhitespace() {
        while i < p.count {
            switch p[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONError) -> JSONValue {
        guard i < p.count else { throw unexpected() }
        switch p[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw unexpected()
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONError) {
        let n = word.utf8CodeUnitCount
        for k in 0..<n {
            guard i + k < p.count, p[i + k] == word.utf8Start[k] else {
                i += k
                throw unexpected()
            }
        }
        i += n
    }

    private mutating func enter() throws(JSONError) {
        depth += 1
        if depth > JSONValue.maxDepth { throw error("nesting deeper than \(JSONValue.maxDepth) levels") }
    }

    private mutating func object() throws(JSONError) -> JSONValue {
        try enter()
        i += 1
        var members: [(String, JSONValue)] = []
        skipWhitespace()
        if i < p.count && p[i] == UInt8(ascii: "}") { i += 1; depth -= 1; return .object(members) }
        while true {
            guard i < p.count, p[i] == UInt8(ascii: "\"") else {
                throw i < p.count ? error("expected a string key") : unexpected()
            }
            let key = try string()
            skipWhitespace()
            guard i < p.count, p[i] == UInt8(ascii: ":") else { throw i < p.count ? error("expected ':'") : unexpected() }
            i += 1
            skipWhitespace()
            members.append((key, try value()))
            skipWhitespace()
            guard i < p.count else { throw unexpected() }
            if p[i] == UInt8(ascii: ",") { i += 1; skipWhitespace(); continue }
            if p[i] == UInt8(ascii: "}") { i += 1; depth -= 1; return .object(members) }
            throw error("expected ',' or '}'")
        }
    }

    private mutating func array() throws(JSONError) -> JSONValue {
        try enter()
        i += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if i < p.count && p[i] == UInt8(ascii: "]") { i += 1; depth -= 1; return .array(elements) }
        while true {
            elements.append(try value())
            skipWhitespace()
            guard i < p.count else { throw unexpected() }
            if p[i] == UInt8(ascii: ",") { i += 1; skipWhitespace(); continue }
            if p[i] == UInt8(ascii: "]") { i += 1; depth -= 1; return .array(elements) }
            throw error("expected ',' or ']'")
        }
    }

    private mutating func number() throws(JSONError) -> JSONValue {
        let start = i
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < p.count, p[i] &- 0x30 < 10 else { throw i < p.count ? error("expected a digit") : unexpected() }
        if p[i] == UInt8(ascii: "0"), i + 1 < p.count, p[i + 1] &- 0x30 < 10 {
            i += 1
            throw error("leading zeros are not allowed")
        }
        var magnitude: UInt64 = 0
        var overflow = false
        while i < p.count, p[i] &- 0x30 < 10 {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(p[i] &- 0x30))
            overflow = overflow || o1 || o2
            magnitude = s
            i += 1
        }
        if i < p.count, p[i] == UInt8(ascii: ".") || p[i] | 0x20 == UInt8(ascii: "e") {
            throw error("only integers are supported (no fractions or exponents)")
        }
        if negative {
            if overflow || magnitude > UInt64(Int64.max) + 1 {
                throw JSONError(offset: start, message: "integer out of 64-bit range")
            }
            return magnitude == 0 ? .uint(0) : .int(Int64(truncatingIfNeeded: 0 &- magnitude))
        }
        if overflow { throw JSONError(offset: start, message: "integer out of 64-bit range") }
        return .uint(magnitude)
    }

    /// Parses a string starting at its opening quote. Input is already known to be valid UTF-8.
    mutating func string() throws(JSONError) -> String {
        i += 1
        let start = i
        // Fast path: no escapes, the String is a slice of the input.
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { break }
            i += 1
        }
        var out = Array(p[start..<i])
        while true {
            guard i < p.count else { throw error("unterminated string") }
            let c = p[i]
            switch c {
            case UInt8(ascii: "\""):
                i += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &out)
            case 0..<0x20:
                throw error("control character in string")
            default:
                out.append(c)
                i += 1
            }
        }
    }

    private mutating func escape(into out: inout [UInt8]) throws(JSONError) {
        i += 1
        guard i < p.count else { throw error("unterminated string") }
        let c = p[i]
        i += 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(c)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard i + 1 < p.count, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate in \\u escape")
                }
                i += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("unpaired surrogate in \\u escape")
            }
            out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
        default:
            i -= 1
            throw error("invalid escape")
        }
    }

    private mutating func hex4() throws(JSONError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < p.count else { throw error("unterminated string") }
            let c = p[i]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - 0x30
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - 0x61 + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - 0x41 + 10
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }
}
