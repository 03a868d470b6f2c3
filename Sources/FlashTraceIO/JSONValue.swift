// A small JSON document model for the trace header (and for the fallback path of the event
// reader). Objects keep their key order so a header round-trips byte for byte; numbers are
// integers only, because nothing in a flashtrace trace is fractional and 64-bit values must not
// pass through Double.

public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// Negative integers (the parser produces `.uint` for everything ≥ 0).
    case int(Int64)
    case uint(UInt64)
    case string(String)
    case array([JSONValue])
    /// Ordered; duplicate keys are kept as written.
    case object([(String, JSONValue)])
}

extension JSONValue: Equatable {
    /// Structural equality; `.int(n)` equals `.uint(n)` for n ≥ 0, object key order matters.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.uint(x), .uint(y)): return x == y
        case let (.int(x), .uint(y)), let (.uint(y), .int(x)): return x >= 0 && UInt64(x) == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }
}

extension JSONValue {
    /// First value under `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: [(String, JSONValue)]? { if case .object(let o) = self { return o }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }

    public var uint64Value: UInt64? {
        switch self {
        case .uint(let v): return v
        case .int(let v) where v >= 0: return UInt64(v)
        default: return nil
        }
    }

    public var int64Value: Int64? {
        switch self {
        case .int(let v): return v
        case .uint(let v) where v <= UInt64(Int64.max): return Int64(v)
        default: return nil
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = value >= 0 ? .uint(UInt64(value)) : .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Keeps the literal's order (a Swift dictionary would not).
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
}

/// A JSON text that is not valid (RFC 8259) or not representable (fractions, > 64-bit integers).
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte offset into the input (0-based).
    public var offset: Int
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(message) at column \(offset + 1)" }
}
