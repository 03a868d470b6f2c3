// Streams a flashtrace JSON-lines trace: the header line, then one TraceRecord per line, in
// constant memory. Canonical lines take the fast path (JSONLinesFastPath.swift); any other valid
// spelling goes through the general JSON parser and JSONLinesMapping with identical results.

import FlashEvents

public struct JSONLinesReader {
    public static let defaultMaxLineLength = 1 << 20

    private let storage: ReaderStorage
    public let header: TraceHeader

    /// Opens `path` and reads the header.
    public init(path: String, maxLineLength: Int = defaultMaxLineLength, chunkSize: Int = 1 << 20) throws {
        let fd = try FileDescriptorIO.openForReading(path)
        try self.init(lines: LineReader(fd: fd, owned: true, path: path, chunkSize: chunkSize, maxLineLength: maxLineLength))
    }

    /// Reads from an open descriptor (a pipe works); `closeWhenDone` hands its ownership over.
    public init(fd: Int32, path: String? = nil, closeWhenDone: Bool = false,
                maxLineLength: Int = defaultMaxLineLength, chunkSize: Int = 1 << 20) throws {
        try self.init(lines: LineReader(fd: fd, owned: closeWhenDone, path: path, chunkSize: chunkSize,
                                        maxLineLength: maxLineLength))
    }

    /// As above, with `prefix`: the bytes already read from `fd`.
    init(fd: Int32, path: String?, prefix: [UInt8]) throws {
        try self.init(lines: LineReader(fd: fd, owned: false, path: path, chunkSize: 1 << 20,
                                        maxLineLength: Self.defaultMaxLineLength, prefix: prefix))
    }

    public init(bytes: [UInt8], maxLineLength: Int = defaultMaxLineLength, chunkSize: Int = 1 << 20) throws {
        try self.init(lines: LineReader(bytes: bytes, chunkSize: chunkSize, maxLineLength: maxLineLength))
    }

    private init(lines: LineReader) throws {
        storage = ReaderStorage(lines: lines)
        header = try storage.readHeader()
    }

    /// Input line (1-based) of the record `next()` returned last.
    public var lineNumber: Int { storage.recordLine }

    /// Set when the input ended in a line without a newline that does not parse: a recorder
    /// killed mid-write. `next()` then returns nil rather than throwing. Also set when the header
    /// promised an end line (JSONLinesEnd.swift) and the input ended without one.
    public var truncatedLastLine: Bool { storage.truncated || storage.missingEnd }

    /// The header promised an end line and the input ended (on a line boundary or not) without it.
    public var missingEndLine: Bool { storage.missingEnd }

    /// The end line, once `next()` has returned nil after reading it.
    public var end: TraceEnd? { storage.end }

    /// The next record, nil at the end. Throws TraceFormatError (with the line) or TraceIOError.
    public mutating func next() throws -> TraceRecord? { try storage.next() }

    /// Hands every remaining record and its line to `body` (replay's loop): records of the
    /// common lines are built in place for the call, not returned and copied on.
    public mutating func forEachRecord(_ body: (TraceRecord, Int) throws -> Void) throws {
        try storage.forEachRecord(body)
    }

    /// Releases the descriptor if owned (also done when the last copy goes away).
    public func close() throws { try storage.lines.close() }
}

private final class ReaderStorage {
    let lines: LineReader
    private let schema = JSONLinesSchema.shared
    private let names = EventNameLookup.shared
    private var devices = StringInterner(limit: 32)
    private var texts = StringInterner(limit: 256)
    private var lastSeq: UInt64?
    private var lastTs: UInt64?
    /// Event lines so far, rejected ones included (the end line counts lines, so a reader that
    /// skips bad lines still agrees with it).
    private var eventLines: UInt64 = 0
    private var promisesEnd = false
    var recordLine = 0
    var truncated = false
    var missingEnd = false
    var end: TraceEnd?

    /// The last device name read on the fast path and its bytes followed by `","event":"`
    /// (scanCanonical's `previousDevice`); allocated here, freed in deinit.
    private var scanned = CanonicalEventLine()
    private var lastDevice = ""
    private var lastDeviceBytes = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)

    init(lines: LineReader) { self.lines = lines }

    deinit { lastDeviceBytes.baseAddress?.deallocate() }

    private func rememberDevice(_ name: String, _ bytes: UnsafeBufferPointer<UInt8>) {
        lastDeviceBytes.baseAddress?.deallocate()
        let key = schema.bytes(of: schema.eventKeyFragment)
        let b = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count + key.count)
        _ = b.initialize(from: bytes)
        (b.baseAddress! + bytes.count).initialize(from: key.baseAddress!, count: key.count)
        lastDeviceBytes = b
        lastDevice = name
    }

    func readHeader() throws -> TraceHeader {
        while let (line, terminated) = try lines.nextLine() {
            if isBlank(line) { continue }
            let n = lines.lineNumber
            let value: JSONValue
            do {
                value = try JSONValue.parse(bytes: line)
            } catch {
                if error.message == "invalid UTF-8" { throw TraceFormatError(line: n, message: "invalid UTF-8 at column \(error.offset + 1)") }
                let what = terminated ? "missing header line" : "truncated header line"
                throw TraceFormatError(line: n, message: "\(what) (invalid JSON: \(error))")
            }
            do {
                let header = try TraceHeader(json: value)
                promisesEnd = header.promisesEndLine
                return header
            } catch var error as TraceFormatError {
                error.line = n
                throw error
            }
        }
        throw TraceFormatError(line: 1, message: "missing header line (empty input)")
    }

    func next() throws -> TraceRecord? {
        if let r = try nextInBuffer() { return r }
        return try nextSlowly()
    }

    func forEachRecord(_ body: (TraceRecord, Int) throws -> Void) throws {
        // A local copy, made once: calling the scanner on the stored property copied the whole
        // schema (240 bytes) for every line, as the class's property could change meanwhile.
        let schema = self.schema
        while true {
            if let rest = lines.peek() {
                let length = schema.scanCanonicalLine(inBuffer: rest, names: names, previousDevice: UnsafeBufferPointer(lastDeviceBytes), into: &scanned)
                if length > 0 && lines.consumeLine(length) {
                    try body(try accept(canonicalRecord(rest), line: lines.lineNumber), lines.lineNumber)
                    continue
                }
            }
            guard let r = try nextSlowly() else { return }
            try body(r, recordLine)
        }
    }

    /// Most lines: canonical, whole in the buffer, found and scanned in one pass.
    @inline(__always)
    private func nextInBuffer() throws -> TraceRecord? {
        guard let rest = lines.peek() else { return nil }
        let length = schema.scanCanonicalLine(inBuffer: rest, names: names, previousDevice: UnsafeBufferPointer(lastDeviceBytes), into: &scanned)
        guard length > 0 && lines.consumeLine(length) else { return nil }
        return try accept(canonicalRecord(rest), line: lines.lineNumber)
    }

    /// Any line, through nextLine.
    private func nextSlowly() throws -> TraceRecord? {
        while let (line, terminated) = try lines.nextLine() {
            let n = lines.lineNumber
            let record: TraceRecord
            if schema.scanCanonical(line, names: names, previousDevice: UnsafeBufferPointer(lastDeviceBytes), into: &scanned) {
                record = canonicalRecord(line)
            } else {
                if isBlank(line) { continue }
                let value: JSONValue
                do {
                    value = try JSONValue.parse(bytes: line)
                } catch {
                    if !terminated {
                        truncated = true
                        return nil
                    }
                    if error.message == "invalid UTF-8" {
                        throw TraceFormatError(line: n, message: "invalid UTF-8 at column \(error.offset + 1)")
                    }
                    throw TraceFormatError(line: n, message: "invalid JSON: \(error)")
                }
                if end != nil { throw TraceFormatError(line: n, message: "expected nothing after the end line") }
                if TraceEnd.isEndLine(value) {
                    try readEnd(value, line: n)
                    continue
                }
                eventLines += 1
                do {
                    let m = try JSONLinesMapping.record(from: value)
                    record = TraceRecord(seq: m.seq, ts: m.ts, device: m.device, event: m.event)
                } catch {
                    throw TraceFormatError(line: n, message: error.message)
                }
            }
            return try accept(record, line: n)
        }
        if promisesEnd && end == nil { missingEnd = true }
        return nil
    }

    /// The record of the canonical line `scanned` was filled from (`line`: its bytes).
    @inline(__always)
    private func canonicalRecord(_ line: UnsafeBufferPointer<UInt8>) -> TraceRecord {
        eventLines += 1
        var event = scanned.event
        if scanned.hasText {
            event.textID = texts.eventText(for: UnsafeBufferPointer(rebasing: line[scanned.textStart..<scanned.textEnd]))
        }
        let device: String
        if scanned.sameDevice {
            device = lastDevice
        } else {
            let bytes = UnsafeBufferPointer(rebasing: line[scanned.deviceStart..<scanned.deviceEnd])
            device = devices.string(for: bytes)
            rememberDevice(device, bytes)
        }
        return TraceRecord(seq: scanned.seq, ts: scanned.hasTs ? scanned.ts : nil, device: device, event: event)
    }

    /// Checks `record` (line `n`) against the trace so far and returns it.
    @inline(__always)
    private func accept(_ record: TraceRecord, line n: Int) throws -> TraceRecord {
        if end != nil { throw TraceFormatError(line: n, message: "expected nothing after the end line") }
        if let last = lastSeq, record.seq <= last {
            throw TraceFormatError(line: n, message: "seq must increase (\(record.seq) after \(last))")
        }
        // Both clocks a trace can carry (the model's virtual clock, a log's wall clock) only
        // move forward; replay sets its clock from ts.
        if let ts = record.ts, let last = lastTs, ts < last {
            throw TraceFormatError(line: n, message: "ts must not decrease (\(ts) after \(last))")
        }
        lastSeq = record.seq
        if let ts = record.ts { lastTs = ts }
        recordLine = n
        return record
    }

    private func readEnd(_ value: JSONValue, line n: Int) throws {
        let e: TraceEnd
        do { e = try TraceEnd(json: value) } catch { throw TraceFormatError(line: n, message: error.message) }
        if e.events != eventLines {
            throw TraceFormatError(line: n, message: "the end line counts \(e.events) events, the trace holds \(eventLines)")
        }
        end = e
    }

    /// Blank lines (e.g. a trailing empty line from an editor) carry nothing and are skipped.
    private func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
