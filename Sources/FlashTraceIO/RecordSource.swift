import FlashEvents

// What a trace reader yields: events, and (for tracers that can lose events, like LTTng) gaps.

public enum TraceItem: Sendable, Equatable {
    case record(TraceRecord)
    /// The tracer discarded `count` events between the two timestamps (ns), when known.
    case gap(count: UInt64, from: UInt64?, to: UInt64?)
}

/// A stream of trace items with positions, as replay and convert consume it.
public protocol RecordSource {
    /// The JSON-lines header or an equivalent device description; nil when the form has none.
    var header: TraceHeader? { get }
    mutating func nextItem() throws -> TraceItem?
    /// Input line (or event index for binary forms) of the item `nextItem()` returned last.
    var lineNumber: Int { get }
    var truncatedLastLine: Bool { get }
    /// Lines of other content that were skipped.
    var skippedLines: Int { get }
    /// Hands every remaining item, with its line, to `record` or `gap`: replay's loop. Readers
    /// implement it on their concrete type, so a record is neither wrapped in a TraceItem nor
    /// passed through an existential on the way; the default goes through nextItem.
    mutating func forEachItem(record: (TraceRecord, Int) throws -> Void,
                              gap: (_ count: UInt64, _ from: UInt64?, _ to: UInt64?, _ line: Int) throws -> Void) throws
    func close()
}

extension RecordSource {
    public mutating func forEachItem(record: (TraceRecord, Int) throws -> Void,
                                     gap: (_ count: UInt64, _ from: UInt64?, _ to: UInt64?, _ line: Int) throws -> Void) throws {
        while let item = try nextItem() {
            switch item {
            case .record(let r): try record(r, lineNumber)
            case .gap(let count, let from, let to): try gap(count, from, to, lineNumber)
            }
        }
    }
}

extension TraceInput: RecordSource {
    public mutating func nextItem() throws -> TraceItem? {
        try next().map { .record($0) }
    }
}
