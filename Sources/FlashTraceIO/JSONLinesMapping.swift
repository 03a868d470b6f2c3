// The reader's general path: a parsed JSON object to a trace record, with the error messages of
// the format (the fast path declines every line it cannot map exactly, so these are the only ones).

import FlashEvents

/// A mapping failure; the reader adds the line number.
struct JSONLinesMappingError: Error {
    var message: String
}

enum JSONLinesMapping {
    static func record(from value: JSONValue) throws(JSONLinesMappingError) -> (seq: UInt64, ts: UInt64?, device: String, event: FlashEvent) {
        func fail(_ message: String) -> JSONLinesMappingError { JSONLinesMappingError(message: message) }
        guard case .object(let members) = value else { throw fail("expected a JSON object") }

        var seen = Set<String>()
        for (key, _) in members where !seen.insert(key).inserted { throw fail("duplicate key \"\(key)\"") }
        func member(_ key: String) -> JSONValue? { members.first { $0.0 == key }?.1 }

        guard let seqValue = member("seq") else { throw fail("missing \"seq\"") }
        guard let seq = seqValue.uint64Value else { throw fail("expected integer for \"seq\"") }
        var ts: UInt64?
        if let tsValue = member("ts"), !tsValue.isNull {
            guard let t = tsValue.uint64Value else { throw fail("expected integer for \"ts\"") }
            ts = t
        }
        guard let devValue = member("dev") else { throw fail("missing \"dev\"") }
        guard let device = devValue.stringValue else { throw fail("expected string for \"dev\"") }
        guard let nameValue = member("event") else { throw fail("missing \"event\"") }
        guard let name = nameValue.stringValue else { throw fail("expected string for \"event\"") }
        // Only bare names are valid here; EventKind(name:) would also take `pflash_…`.
        guard !name.hasPrefix("pflash_"), let kind = EventKind(name: name) else {
            throw fail("unknown event \(JSONValue.string(name).serialized)")
        }

        var event = FlashEvent(kind)
        for (k, arg) in kind.spec.args.enumerated() {
            guard let v = member(arg.name) else { throw fail("missing \"\(arg.name)\" in \(kind.name)") }
            if arg.type == .string {
                guard let s = v.stringValue else { throw fail("expected string for \"\(arg.name)\" in \(kind.name)") }
                event.text = s
                continue
            }
            switch v {
            case .uint(let n) where n <= arg.type.maxValue:
                event[argument: k] = n
            case .uint, .int:
                throw fail("\"\(arg.name)\" out of range for \(arg.type.displayName) in \(kind.name): \(v.serialized)")
            default:
                throw fail("expected integer for \"\(arg.name)\" in \(kind.name)")
            }
        }
        return (seq, ts, device, event)
    }
}
