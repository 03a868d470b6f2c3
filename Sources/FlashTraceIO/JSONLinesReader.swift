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
    /// killed mid-write. `next()` then returns nil rather than throwing.
    public var truncatedLastLine: Bool { storage.truncated }

    /// The next record, nil at the end. Throws TraceFormatError (with the line) or TraceIOError.
    public mutating func next() throws -> TraceRecord? { try storage.next() }

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
    var recordLine = 0
    var truncated = false

    init(lines: LineReader) { self.lines = lines }

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
                return try TraceHeader(json: value)
            } catch var error as TraceFormatError {
                error.line = n
                throw error
            }
        }
        throw TraceFormatError(line: 1, message: "missing header line (empty input)")
    }

    func next() throws -> TraceRecord? {
        while let (line, terminated) = try lines.nextLine() {
            let n = lines.lineNumber
            let record: TraceRecord
            if let fast = schema.scanCanonical(line, names: names) {
                var event = fast.event
                if let t = fast.text { event.textID = texts.eventText(for: UnsafeBufferPointer(rebasing: line[t])) }
                record = TraceRecord(seq: fast.seq, ts: fast.ts,
                                     device: devices.string(for: UnsafeBufferPointer(rebasing: line[fast.device])),
                                     event: event)
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
                do {
                    let m = try JSONLinesMapping.record(from: value)
                    record = TraceRecord(seq: m.seq, ts: m.ts, device: m.device, event: m.event)
                } catch {
                    throw TraceFormatError(line: n, message: error.message)
                }
            }
            if let last = lastSeq, record.seq <= last {
                throw TraceFormatError(line: n, message: "seq must increase (\(record.seq) after \(last))")
            }
            lastSeq = record.seq
            recordLine = n
            return record
        }
        return nil
    }

    /// Blank lines (e.g. a trailing empty line from an editor) carry nothing and are skipped.
    private func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
