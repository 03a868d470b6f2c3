import Foundation
import FlashEvents

// One reader for every trace form replay accepts, detected from the content: flashtrace JSON
// lines (first non-blank byte `{`) or QEMU's `-trace pflash_*` log text (with or without
// `-msg timestamp=on`).

public enum TraceForm: String, Sendable {
    case jsonLines = "json-lines"
    case qemuLog = "qemu-log"
}

public struct TraceInput {
    public let form: TraceForm
    public let path: String
    /// The JSON-lines header; QEMU logs have none.
    public let header: TraceHeader?
    private var json: JSONLinesReader?
    private var qemu: QemuLogReader?

    /// `path` "-" reads standard input (a pipe from `flashtrace record -o -` works).
    public init(path: String) throws {
        self.path = path
        if path == TraceInput.standardInput {
            let (form, prefix) = try TraceInput.detect(fd: 0)
            self.form = form
            switch form {
            case .jsonLines:
                let r = try JSONLinesReader(fd: 0, path: "standard input", prefix: prefix)
                header = r.header
                json = r
            case .qemuLog:
                qemu = QemuLogReader(fd: 0, path: "standard input", prefix: prefix)
                header = nil
            }
            return
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TraceIOError(operation: "open", path: path, code: ENOENT)
        }
        if isDirectory.boolValue {
            throw TraceFormatError(line: 0, message: "\(path) is a directory; LTTng (CTF) trace folders are not supported by this build: pass a JSON-lines trace or a QEMU log")
        }
        form = try TraceInput.detect(path)
        switch form {
        case .jsonLines:
            let r = try JSONLinesReader(path: path)
            header = r.header
            json = r
        case .qemuLog:
            qemu = try QemuLogReader(path: path)
            header = nil
        }
    }

    /// The path that means standard input.
    public static let standardInput = "-"

    /// Reads from `fd` up to the first byte that is not white space (at most 64 KiB): the form,
    /// and every byte read, which the reader must see first.
    static func detect(fd: Int32) throws -> (TraceForm, [UInt8]) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 64 << 10 {
            let n = try chunk.withUnsafeMutableBufferPointer {
                try FileDescriptorIO.read(fd, into: $0.baseAddress!, count: $0.count, path: "standard input")
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            if let b = chunk[0..<n].first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
                return (b == UInt8(ascii: "{") ? .jsonLines : .qemuLog, bytes)
            }
        }
        return (.qemuLog, bytes)  // empty or blank: the QEMU reader reports "no events"
    }

    static func detect(_ path: String) throws -> TraceForm {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw TraceIOError(operation: "open", path: path, code: errno == 0 ? EACCES : errno)
        }
        defer { try? h.close() }
        let head = (try? h.read(upToCount: 4096)) ?? Data()
        for b in head where b != 0x20 && b != 0x0A && b != 0x0D && b != 0x09 {
            return b == UInt8(ascii: "{") ? .jsonLines : .qemuLog
        }
        return .qemuLog  // empty: the QEMU reader reports "no events"
    }

    public mutating func next() throws -> TraceRecord? {
        if json != nil { return try json!.next() }
        return try qemu!.next()
    }

    /// Replay's loop (RecordSource.forEachItem; text traces have no gaps). The reader is taken
    /// out of its optional for the loop, so no record is wrapped or copied on the way.
    public mutating func forEachItem(record body: (TraceRecord, Int) throws -> Void,
                                     gap: (_ count: UInt64, _ from: UInt64?, _ to: UInt64?, _ line: Int) throws -> Void) throws {
        if var reader = json {
            json = nil
            defer { json = reader }
            try reader.forEachRecord(body)
        } else if var reader = qemu {
            qemu = nil
            defer { qemu = reader }
            try reader.forEachRecord(body)
        }
    }

    /// Input line of the record `next()` returned last.
    public var lineNumber: Int { json?.lineNumber ?? qemu?.lineNumber ?? 0 }
    public var truncatedLastLine: Bool { json?.truncatedLastLine ?? qemu?.truncatedLastLine ?? false }
    /// QEMU logs: lines that were not pflash events (other trace events, -d output).
    public var skippedLines: Int { qemu?.skippedLines ?? 0 }

    public func close() { try? json?.close(); try? qemu?.close() }

    /// Device names in the first `limit` events of a QEMU log (to infer the board).
    public static func deviceNames(inQemuLog path: String, limit: Int = 10_000) throws -> [String] {
        var reader = try QemuLogReader(path: path)
        defer { try? reader.close() }
        var names: [String] = []
        var n = 0
        while n < limit, let r = try reader.next() {
            if !names.contains(r.device) { names.append(r.device) }
            n += 1
        }
        return names
    }
}
