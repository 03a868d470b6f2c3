// Writes flashtrace JSON lines. Events are encoded straight into the output buffer from
// precomputed key fragments (JSONLinesSchema) and in-place digit conversion: no JSONEncoder, no
// per-event allocation, so recording is never slowed down by its own output.

import FlashEvents

public struct JSONLinesWriter {
    private let sink: ByteSink
    private let state: WriterState
    private let schema = JSONLinesSchema.shared

    /// Writes to an open descriptor (e.g. 1 for stdout); `closeWhenDone` hands its ownership over.
    /// With `sync` every write of the buffer is followed by fsync (a durable batch).
    public init(fd: Int32, path: String? = nil, closeWhenDone: Bool = false, bufferSize: Int = 64 << 10,
                sync: Bool = false) {
        sink = ByteSink(fd: fd, owned: closeWhenDone, path: path, capacity: bufferSize)
        sink.syncEachWrite = sync
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
        let kind = Int(event.kind.rawValue)
        let argumentCount = schema.argumentCounts[kind]
        if let last = state.lastSeq, record.seq <= last {
            throw TraceFormatError(line: 0, message: "seq must increase (\(record.seq) after \(last))")
        }
        for k in 0..<argumentCount {
            let type = schema.types[kind * JSONLinesSchema.maxArguments + k]
            if type != .string && event[argument: k] > type.maxValue {
                throw TraceFormatError(line: 0, message:
                    "\"\(event.kind.spec.args[k].name)\" out of range for \(type.displayName) in \(event.kind.name): \(event[argument: k])")
            }
        }
        if state.ended { throw TraceFormatError(line: 0, message: "event written after the end line") }
        state.lastSeq = record.seq
        state.events += 1

        // Fixed-size parts go through one reservation each; strings are appended with their own checks.
        try sink.reserve(64)
        put(JSONLinesSchema.seqKey)
        putDecimal(record.seq)
        if let ts = record.ts {
            put(JSONLinesSchema.tsKey)
            putDecimal(ts)
        }
        try sink.append(JSONLinesSchema.devKey)
        // Traces name a few devices millions of times: keep the last name's escaped bytes.
        if record.device != state.lastDevice {
            state.lastDevice = record.device
            state.lastDeviceBytes = escaped(record.device)
        }
        try sink.append(state.lastDeviceBytes)
        try sink.append(schema.bytes(of: schema.eventFragments[kind]))
        for k in 0..<argumentCount {
            let key = schema.bytes(of: schema.keys[kind * JSONLinesSchema.maxArguments + k])
            try sink.reserve(key.count + 21)
            sink.cursor.update(from: key.baseAddress!, count: key.count)
            sink.advance(key.count)
            if schema.types[kind * JSONLinesSchema.maxArguments + k] == .string {
                putByte(UInt8(ascii: "\""))
                try sink.append(state.text(event.textID, escape: escaped))
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

    /// Writes the end line (JSONLinesEnd.swift) counting the events written; nothing may follow.
    /// `interrupted` names the signal that cut the recording short, if one did.
    public func writeEnd(interrupted: String? = nil) throws {
        guard state.headerWritten, !state.ended else {
            throw TraceFormatError(line: 0, message: "the end line goes once, after the header")
        }
        var bytes: [UInt8] = []
        TraceEnd(events: state.events, interrupted: interrupted).json.serialize(into: &bytes)
        bytes.append(0x0A)
        try sink.append(bytes)
        state.ended = true
    }

    /// Events written so far.
    public var eventCount: UInt64 { state.events }

    public func flush() throws { try sink.flush() }

    /// Flushes when the buffer is nearly full. Called between units of work (record calls it
    /// between operations), it keeps the buffer from filling up inside one, so each written
    /// batch ends on a unit boundary and a killed recorder leaves whole operations behind.
    public func flushAtBoundary() throws {
        if sink.buffered >= sink.capacity - min(16 << 10, sink.capacity / 4) { try sink.flush() }
    }

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
    private func escaped(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var scratch = [UInt8](repeating: 0, count: 6)
        for c in s.utf8 {
            if JSONEscaping.needsEscape(c) {
                let n = scratch.withUnsafeMutableBufferPointer { JSONEscaping.writeEscape(c, to: $0.baseAddress!) }
                out += scratch[0..<n]
            } else {
                out.append(c)
            }
        }
        return out
    }
}

/// Mutable bookkeeping shared by copies of a writer (like its buffer).
private final class WriterState {
    var headerWritten = false
    var lastSeq: UInt64?
    var events: UInt64 = 0
    var ended = false
    var lastDevice = ""
    var lastDeviceBytes: [UInt8] = []
    /// Escaped `write` texts by EventText id (ids are small and dense; the rare overflow id is
    /// escaped each time).
    private var texts: [[UInt8]?] = []

    func text(_ id: EventText, escape: (String) -> [UInt8]) -> [UInt8] {
        let i = Int(id.id)
        guard i < 1 << 20 else { return escape(id.string) }
        if i < texts.count, let t = texts[i] { return t }
        if i >= texts.count { texts += Array(repeating: nil, count: i + 1 - texts.count) }
        let t = escape(id.string)
        texts[i] = t
        return t
    }
}
