import FlashEvents

// Where trace records go: every output of record and convert is a sink behind this one protocol
// (JSON lines, QEMU log text, LTTng in FlashLTTng, Chrome trace events in FlashReports), so a
// command picks its outputs and hands each record to all of them.

public protocol TraceSink: AnyObject {
    /// Before the first record: the devices the records belong to.
    func begin(_ header: TraceHeader) throws
    /// A record and its place in the input (line, or event index for forms without lines).
    func write(_ record: TraceRecord, line: Int) throws
    /// The tracer lost `count` events (LTTng); forms that cannot say so ignore it.
    func gap(count: UInt64, from: UInt64?, to: UInt64?, line: Int) throws
    /// After the last record: everything is written (and flushed) or this throws.
    func finish() throws
}

extension TraceSink {
    public func gap(count: UInt64, from: UInt64?, to: UInt64?, line: Int) throws {}
}

/// JSON lines: the header line, one line per record, flushed at the end. (`record` also writes
/// an end line, JSONLinesEnd.swift, through the writer itself.)
public final class JSONLinesSink: TraceSink {
    public let writer: JSONLinesWriter

    public init(_ writer: JSONLinesWriter) { self.writer = writer }

    public func begin(_ header: TraceHeader) throws {
        try writer.writeHeader(header)
        try writer.flush()  // the header is on disk before the first event
    }
    public func write(_ record: TraceRecord, line: Int) throws { try writer.write(record) }
    public func finish() throws { try writer.flush() }
}

/// QEMU's own `-trace pflash_*` log text (QemuLogFormat), buffered; it has no header.
public final class QemuLogSink: TraceSink {
    private let sink: ByteSink
    private var line: [UInt8] = []

    public init(fd: Int32, path: String?) {
        sink = ByteSink(fd: fd, owned: false, path: path, capacity: 1 << 16)
        line.reserveCapacity(256)
    }

    public func begin(_ header: TraceHeader) throws {}

    public func write(_ record: TraceRecord, line _: Int) throws {
        line.removeAll(keepingCapacity: true)
        appendQemuLogLine(device: record.device, event: record.event, to: &line)
        line.append(0x0A)
        try sink.append(line)
    }

    public func finish() throws { try sink.flush() }
}
