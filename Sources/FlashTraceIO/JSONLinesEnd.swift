// The end line of a JSON-lines trace, {"end":true,"events":N}, written last by `record`.
// A recorder killed mid-run cannot write it, so its absence tells a cut-short trace from a whole
// one even when the cut fell on a line boundary. Traces opt in through the header key
// "end-line":true (older traces, conversions and hand-written ones have neither and read as before).

/// What the end line says.
public struct TraceEnd: Sendable, Equatable {
    /// Event lines before it (the reader checks the count).
    public var events: UInt64
    /// Set when a signal stopped the recording early: "SIGINT" or "SIGTERM". The trace is whole,
    /// the run it records is not.
    public var interrupted: String?

    public init(events: UInt64, interrupted: String? = nil) {
        self.events = events
        self.interrupted = interrupted
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("end", .bool(true)), ("events", .uint(events))]
        if let interrupted { members.append(("interrupted", .string(interrupted))) }
        return .object(members)
    }

    /// Header key announcing the end line.
    static let headerKey = "end-line"

    /// Whether `value` is an end line rather than an event: an object with "end" and no "seq".
    static func isEndLine(_ value: JSONValue) -> Bool {
        value["end"] != nil && value["seq"] == nil
    }

    /// Reads an end line; `message` explains what was expected.
    init(json value: JSONValue) throws(JSONLinesMappingError) {
        guard value["end"]?.boolValue == true else {
            throw JSONLinesMappingError(message: "expected \"end\":true in the end line")
        }
        guard let events = value["events"]?.uint64Value else {
            throw JSONLinesMappingError(message: "expected an integer \"events\" in the end line")
        }
        let note = value["interrupted"]
        if let note, note.stringValue == nil, !note.isNull {
            throw JSONLinesMappingError(message: "expected a string for \"interrupted\" in the end line")
        }
        self.init(events: events, interrupted: note?.stringValue)
    }
}
