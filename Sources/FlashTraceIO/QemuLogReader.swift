// Streams a QEMU log file into trace records, skipping (and counting) lines that are not pflash
// events. Records are numbered from 0 in file order; ts is the log's wall clock when present.

import FlashEvents

public struct QemuLogReader {
    private let storage: QemuLogReaderStorage

    public init(path: String, maxLineLength: Int = JSONLinesReader.defaultMaxLineLength, chunkSize: Int = 1 << 20) throws {
        let fd = try FileDescriptorIO.openForReading(path)
        storage = QemuLogReaderStorage(LineReader(fd: fd, owned: true, path: path, chunkSize: chunkSize,
                                                  maxLineLength: maxLineLength))
    }

    /// Bytes `range` of the file at `path`, as if they were the whole log (line numbers count
    /// from the range's start): one part of a log read in parts on several threads. `range`
    /// should start at a line start (`lineStart(path:atOrAfter:)`).
    public init(path: String, bytes range: Range<Int>, maxLineLength: Int = JSONLinesReader.defaultMaxLineLength,
                chunkSize: Int = 1 << 20) throws {
        let fd = try FileDescriptorIO.openForReading(path)
        do { try FileDescriptorIO.seek(fd, to: range.lowerBound, path: path) } catch {
            try? FileDescriptorIO.close(fd, path: path)
            throw error
        }
        storage = QemuLogReaderStorage(LineReader(fd: fd, owned: true, path: path, count: range.count, chunkSize: chunkSize,
                                                  maxLineLength: maxLineLength))
    }

    /// The first line start at or after byte `offset` of the file at `path`; nil when the file
    /// ends first or the line there is longer than `maxLineLength`.
    public static func lineStart(path: String, atOrAfter offset: Int,
                                 maxLineLength: Int = JSONLinesReader.defaultMaxLineLength) throws -> Int? {
        try LineReader.lineStart(path: path, atOrAfter: offset, maxLineLength: maxLineLength)
    }

    /// Reads from an open descriptor (a pipe from `xz -dc` works); `closeWhenDone` hands it over.
    public init(fd: Int32, path: String? = nil, closeWhenDone: Bool = false,
                maxLineLength: Int = JSONLinesReader.defaultMaxLineLength, chunkSize: Int = 1 << 20) {
        storage = QemuLogReaderStorage(LineReader(fd: fd, owned: closeWhenDone, path: path, chunkSize: chunkSize,
                                                  maxLineLength: maxLineLength))
    }

    /// From `fd`, whose first bytes (`prefix`) were already read.
    init(fd: Int32, path: String?, prefix: [UInt8]) {
        storage = QemuLogReaderStorage(LineReader(fd: fd, owned: false, path: path, chunkSize: 1 << 20,
                                                  maxLineLength: JSONLinesReader.defaultMaxLineLength, prefix: prefix))
    }

    public init(bytes: [UInt8], maxLineLength: Int = JSONLinesReader.defaultMaxLineLength, chunkSize: Int = 1 << 20) {
        storage = QemuLogReaderStorage(LineReader(bytes: bytes, chunkSize: chunkSize, maxLineLength: maxLineLength))
    }

    /// The next pflash event with its thread id, nil at the end.
    public mutating func nextEntry() throws -> (record: TraceRecord, tid: UInt64?)? { try storage.next() }

    /// The next pflash event, nil at the end.
    public mutating func next() throws -> TraceRecord? { try storage.next()?.record }

    /// Hands every remaining pflash event and its line to `body` (replay's loop), without
    /// returning each record through an Optional first.
    public mutating func forEachRecord(_ body: (TraceRecord, Int) throws -> Void) throws {
        try storage.forEachRecord(body)
    }

    /// Input line (1-based) of the record returned last.
    public var lineNumber: Int { storage.recordLine }
    /// Lines read so far, whether they held events or not.
    public var linesRead: Int { storage.lines.lineNumber }
    /// Lines that were not pflash events (other trace events, `-d unimp` text, blank lines).
    public var skippedLines: Int { storage.skipped }
    /// `pflash_*` lines of events QEMU 7.2.22 does not have, by name, with their count.
    public var unknownEvents: [String: Int] { storage.unknown }
    /// The input ended in a line without newline that did not parse (QEMU killed mid-write).
    public var truncatedLastLine: Bool { storage.truncated }

    public func close() throws { try storage.lines.close() }
}

private final class QemuLogReaderStorage {
    let lines: LineReader
    private var parser = QemuLogParser()
    private var seq: UInt64 = 0
    var recordLine = 0
    var skipped = 0
    var unknown: [String: Int] = [:]
    var truncated = false

    init(_ lines: LineReader) { self.lines = lines }

    func forEachRecord(_ body: (TraceRecord, Int) throws -> Void) throws {
        while let (record, _) = try next() { try body(record, recordLine) }
    }

    @inline(__always)
    func next() throws -> (record: TraceRecord, tid: UInt64?)? {
        while let (line, terminated) = try lines.nextLine() {
            let result: QemuLogParseResult
            do {
                result = try parser.parse(bytes: line, lineNumber: lines.lineNumber)
            } catch where !terminated {
                truncated = true
                return nil
            }
            if !terminated {
                // QEMU ends every line; an unterminated non-event is the stub of a cut-off write.
                guard case .event = result else {
                    truncated = true
                    return nil
                }
            }
            switch result {
            case .notAnEvent:
                skipped += 1
            case .unknownEvent(let name):
                unknown[name, default: 0] += 1
            case .event(let entry):
                recordLine = lines.lineNumber
                defer { seq += 1 }
                return (TraceRecord(seq: seq, ts: entry.ts, device: entry.device, event: entry.event), entry.tid)
            }
        }
        return nil
    }
}
