// Writes flashtrace JSON lines. Events are encoded straight into the output buffer from
// precomputed key fragments (JSONLinesSchema) and in-place digit conversion: no JSONEncoder, no
// per-event allocation, so recording is never slowed down by its own output.

import FlashEvents

public struct JSONLinesWriter {
    private let sink: ByteSink
    private let state: WriterState
    /// Kept in the state object rather than in the struct: copying a writer then copies two
    /// references, and each line reads the schema's fields from one place.
    @inline(__always) private var schema: JSONLinesSchema { state.schema }

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
        if state.ended { throw TraceFormatError(line: 0, message: "event written after the end line") }
        if state.device(record.device) + schema.eventFragments[kind].count + 480 <= 4096
            && !schema.hasText[kind] {
            try writeFast(record, kind: kind, argumentCount: argumentCount)
        } else {
            for k in 0..<argumentCount where event[argument: k] > schema.maxima[kind * JSONLinesSchema.maxArguments + k] {
                throw outOfRange(event, k)
            }
            try writeGeneral(record, kind: kind, argumentCount: argumentCount)
        }
        state.lastSeq = record.seq
        state.events += 1
    }

    private func outOfRange(_ event: FlashEvent, _ k: Int) -> TraceFormatError {
        let type = schema.types[Int(event.kind.rawValue) * JSONLinesSchema.maxArguments + k]
        return TraceFormatError(line: 0, message:
            "\"\(event.kind.spec.args[k].name)\" out of range for \(type.displayName) in \(event.kind.name): \(event[argument: k])")
    }

    /// The common line, written in one reservation with word-sized copies of the fragments.
    @inline(__always)
    private func writeFast(_ record: TraceRecord, kind: Int, argumentCount: Int) throws {
        // Every piece is at most its size plus 16 bytes of copy slack; 480 bounds the fixed parts
        // (seq, ts, five keys with 20-digit values, braces).
        let device = state.deviceBytes
        let fragment = schema.eventFragments[kind]
        try sink.reserve(device.count + fragment.count + 480)
        let start = sink.cursor
        var p = start
        let text = UnsafePointer(schema.bytes.baseAddress!)
        p = Self.copyWords(p, text + schema.seqFragment.start, schema.seqFragment.count)
        p += ByteText.writeDecimal(record.seq, to: p)
        if let ts = record.ts {
            p = Self.copyWords(p, text + schema.tsFragment.start, schema.tsFragment.count)
            p += ByteText.writeDecimal(ts, to: p)
        }
        p = Self.copyWords(p, text + schema.devFragment.start, schema.devFragment.count)
        p = Self.copyWords(p, UnsafePointer(device.baseAddress!), device.count)
        p = Self.copyWords(p, text + fragment.start, fragment.count)
        let event = record.event
        for k in 0..<argumentCount {
            let value = event[argument: k]
            // Checked here: nothing counts as written before `advance`, so a rejected record
            // leaves no trace in the output.
            if value > schema.maxima[kind * JSONLinesSchema.maxArguments + k] { throw outOfRange(event, k) }
            let key = schema.keys[kind * JSONLinesSchema.maxArguments + k]
            p = Self.copyWords(p, text + key.start, key.count)
            p += ByteText.writeDecimal(value, to: p)
        }
        p[0] = UInt8(ascii: "}")
        p[1] = 0x0A
        sink.advance(p + 2 - start)
    }

    /// Copies `n` bytes as whole words: up to 7 bytes more are read (the sources are padded) and
    /// written (the reservation has room; the next piece overwrites them). Returns the end.
    @inline(__always)
    private static func copyWords(_ to: UnsafeMutablePointer<UInt8>, _ from: UnsafePointer<UInt8>,
                                  _ n: Int) -> UnsafeMutablePointer<UInt8> {
        let d = UnsafeMutableRawPointer(to), s = UnsafeRawPointer(from)
        // Two words cover every key and the fixed fragments (at most 16 bytes), without a loop.
        d.storeBytes(of: s.loadUnaligned(as: UInt64.self), as: UInt64.self)
        d.storeBytes(of: s.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
        var k = 16
        while k < n {
            d.storeBytes(of: s.loadUnaligned(fromByteOffset: k, as: UInt64.self), toByteOffset: k, as: UInt64.self)
            k &+= 8
        }
        return to + n
    }

    /// Any line, `write`'s text included.
    private func writeGeneral(_ record: TraceRecord, kind: Int, argumentCount: Int) throws {
        let event = record.event
        // Fixed-size parts go through one reservation each; strings are appended with their own checks.
        try sink.reserve(64)
        put(JSONLinesSchema.seqKey)
        putDecimal(record.seq)
        if let ts = record.ts {
            put(JSONLinesSchema.tsKey)
            putDecimal(ts)
        }
        try sink.append(JSONLinesSchema.devKey)
        try sink.append(UnsafeBufferPointer(state.deviceBytes))
        try sink.append(schema.bytes(of: schema.eventFragments[kind]))
        for k in 0..<argumentCount {
            let key = schema.bytes(of: schema.keys[kind * JSONLinesSchema.maxArguments + k])
            try sink.reserve(key.count + 21)
            sink.cursor.update(from: key.baseAddress!, count: key.count)
            sink.advance(key.count)
            if schema.types[kind * JSONLinesSchema.maxArguments + k] == .string {
                putByte(UInt8(ascii: "\""))
                try sink.append(state.text(event.textID))
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
    fileprivate static func escaped(_ s: String) -> [UInt8] {
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
    let schema = JSONLinesSchema.shared
    var headerWritten = false
    var lastSeq: UInt64?
    var events: UInt64 = 0
    var ended = false
    private var lastDevice = ""
    /// The last device name, escaped, with 16 bytes of padding (see copyWords). Traces name a
    /// few devices millions of times; these bytes are reused while the name stays the same.
    private(set) var deviceBytes = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)

    /// Makes `deviceBytes` hold `name`; returns their count.
    @inline(__always)
    func device(_ name: String) -> Int {
        if name == lastDevice && deviceBytes.baseAddress != nil { return deviceBytes.count }
        return setDevice(name)
    }

    private func setDevice(_ name: String) -> Int {
        let bytes = JSONLinesWriter.escaped(name)
        deviceBytes.baseAddress?.deallocate()
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count + 16)
        p.initialize(repeating: 0, count: bytes.count + 16)
        bytes.withUnsafeBufferPointer { if let b = $0.baseAddress { p.update(from: b, count: $0.count) } }
        deviceBytes = UnsafeMutableBufferPointer(start: p, count: bytes.count)
        lastDevice = name
        return bytes.count
    }

    deinit { deviceBytes.baseAddress?.deallocate() }
    /// Escaped `write` texts by EventText id (ids are small and dense; the rare overflow id is
    /// escaped each time).
    private var texts: [[UInt8]?] = []

    func text(_ id: EventText) -> [UInt8] {
        let escape = JSONLinesWriter.escaped
        let i = Int(id.id)
        guard i < 1 << 20 else { return escape(id.string) }
        if i < texts.count, let t = texts[i] { return t }
        if i >= texts.count { texts += Array(repeating: nil, count: i + 1 - texts.count) }
        let t = escape(id.string)
        texts[i] = t
        return t
    }
}
