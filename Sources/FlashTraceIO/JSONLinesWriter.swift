// Writes flashtrace JSON lines. Events are encoded straight into the output buffer from
// precomputed key fragments (JSONLinesSchema) and in-place digit conversion: no JSONEncoder, no
// per-event allocation, so recording is never slowed down by its own output.

import FlashEvents

public struct JSONLinesWriter {
    private let sink: ByteSink
    private let state: WriterState
    private let schema = JSONLinesSchema.shared

    /// Writes to an open descriptor (e.g. 1 for stdout); `closeWhenDone` hands its ownership over.
    public init(fd: Int32, path: String? = nil, closeWhenDone: Bool = false, bufferSize: Int = 64 << 10) {
        sink = ByteSink(fd: fd, owned: closeWhenDone, path: path, capacity: bufferSize)
        state = WriterState()
    }

    /// Creates or truncates the file at `path`.
    public init(path: String, bufferSize: Int = 64 << 10) throws {
        let fd = try FileDescriptorIO.openForWriting(path)
        self.init(fd: fd, path: path, closeWhenDone: true, bufferSize: bufferSize)
    }

    /// Writes the header line; must come first. Use `TraceHeader.json` for a validated one.
    public func writeHeader(_ header: JSONValue) throws {
        if state.headerWritten { throw TraceFormatError(line: 0, message: "header written twice") }
        var bytes: [UInt8] = []
        header.serialize(into: &bytes)
        bytes.append(0x0A)
        try sink.append(bytes)
        state.headerWritten = true
    }

    public func writeHeader(_ header: TraceHeader) throws { try writeHeader(header.json) }

    /// Writes one event line. Rejects (before writing anything) records a reader would reject:
    /// non-increasing seq, argument values beyond their declared type.
    public func write(_ record: TraceRecord) throws {
        guard state.headerWritten else {
            throw TraceFormatError(line: 0, message: "header must be written before events")
        }
        let event = record.event
        let spec = schema.events[Int(event.kind.rawValue)]
        if let last = state.lastSeq, record.seq <= last {
            throw TraceFormatError(line: 0, message: "seq must increase (\(record.seq) after \(last))")
        }
        for (k, type) in spec.argTypes.enumerated() where type != .string && event[argument: k] > type.maxValue {
            throw TraceFormatError(line: 0, message:
                "\"\(event.kind.spec.args[k].name)\" out of range for \(type.displayName) in \(event.kind.name): \(event[argument: k])")
        }
        state.lastSeq = record.seq

        // Fixed-size parts go through one reservation each; strings are appended with their own checks.
        try sink.reserve(64)
        put(JSONLinesSchema.seqKey)
        putDecimal(record.seq)
        if let ts = record.ts {
            put(JSONLinesSchema.tsKey)
            putDecimal(ts)
        }
        try sink.append(JSONLinesSchema.devKey)
        try appendStringBody(record.device)
        try sink.append(spec.eventFragment)
        for (k, key) in spec.argKeys.enumerated() {
            try sink.reserve(key.count + 21)
            put(key)
            if spec.argTypes[k] == .string {
                putByte(UInt8(ascii: "\""))
                try appendStringBody(event.text)
                try sink.reserve(1)
                putByte(UInt8(ascii: "\""))
            } else {
                putDecimal(event[argument: k])
            }
        }
        try sink.reserve(2)
        putByte(UInt8(ascii: "}"))
        putByte(0x0A)
    }

    public func flush() throws { try sink.flush() }

    /// Flushes and closes (if owned). Must be called: only its result tells the output is complete.
    public func close() throws { try sink.close() }

    // MARK: - encoding into the buffer

    /// Copies a fragment; the caller has reserved room.
    @inline(__always)
    private func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { b in
            sink.cursor.update(from: b.baseAddress!, count: b.count)
            sink.advance(b.count)
        }
    }

    @inline(__always)
    private func putByte(_ byte: UInt8) {
        sink.cursor[0] = byte
        sink.advance(1)
    }

    @inline(__always)
    private func putDecimal(_ value: UInt64) {
        sink.advance(ByteText.writeDecimal(value, to: sink.cursor))
    }

    /// String contents with JSON escapes, without the quotes.
    private func appendStringBody(_ s: String) throws {
        var s = s
        try s.withUTF8 { bytes in
            var runStart = 0
            for (i, c) in bytes.enumerated() where JSONEscaping.needsEscape(c) {
                if i > runStart { try sink.append(UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                try sink.reserve(6)
                sink.advance(JSONEscaping.writeEscape(c, to: sink.cursor))
                runStart = i + 1
            }
            if bytes.count > runStart { try sink.append(UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
    }
}

/// Mutable bookkeeping shared by copies of a writer (like its buffer).
private final class WriterState {
    var headerWritten = false
    var lastSeq: UInt64?
}
