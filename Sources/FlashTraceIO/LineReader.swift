// Streams lines out of a file descriptor (or an in-memory buffer) in constant memory: one buffer
// of chunk + maximum line length, refilled with read(2). Both trace readers sit on top of it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

final class LineReader {
    private enum Source {
        case fd(Int32, owned: Bool)
        case memory([UInt8])
    }

    private var source: Source
    private var memoryOffset = 0
    /// Bytes the reader may still take from its source: a byte range of a file ends here.
    private var remaining = Int.max
    let path: String?
    let maxLineLength: Int
    private let chunkSize: Int
    private let capacity: Int
    private let buffer: UnsafeMutablePointer<UInt8>
    private var start = 0
    private var end = 0
    /// Bytes in start..<scanFrom are known to hold no newline (no rescans after a refill).
    private var scanFrom = 0
    private var atEOF = false
    private var closed = false
    /// Inside an overlong line that was already reported: its bytes are dropped up to its newline,
    /// so a caller that carries on after the error (replay --keep-going) resumes at the next line.
    private var skipping = false
    /// Number of the line most recently returned (1-based).
    private(set) var lineNumber = 0

    /// `prefix`: bytes already read from `fd` (to detect the format of a pipe), served first.
    init(fd: Int32, owned: Bool, path: String?, chunkSize: Int, maxLineLength: Int, prefix: [UInt8] = []) {
        precondition(chunkSize > 0 && maxLineLength > 0)
        source = .fd(fd, owned: owned)
        self.path = path
        self.chunkSize = chunkSize
        self.maxLineLength = maxLineLength
        // A pending partial line is at most maxLineLength bytes, so a full chunk always fits after it.
        capacity = max(chunkSize + maxLineLength + 1, prefix.count)
        buffer = .allocate(capacity: capacity)
        prefix.withUnsafeBufferPointer { if let b = $0.baseAddress { buffer.update(from: b, count: $0.count) } }
        end = prefix.count
    }

    /// `count` bytes of `fd` from its current position on (the caller has placed it at a line's
    /// start): one part of a file that is read in parts, on several threads.
    convenience init(fd: Int32, owned: Bool, path: String?, count: Int, chunkSize: Int, maxLineLength: Int) {
        self.init(fd: fd, owned: owned, path: path, chunkSize: chunkSize, maxLineLength: maxLineLength)
        remaining = max(0, count)
    }

    convenience init(bytes: [UInt8], chunkSize: Int, maxLineLength: Int) {
        self.init(fd: -1, owned: false, path: nil, chunkSize: chunkSize, maxLineLength: maxLineLength)
        source = .memory(bytes)
    }

    deinit {
        buffer.deallocate()
        // Nothing is lost by closing a read descriptor late, so an error here has nobody to tell.
        if case .fd(let fd, true) = source, !closed { try? FileDescriptorIO.close(fd, path: path) }
    }

    func close() throws {
        guard !closed else { return }
        closed = true
        if case .fd(let fd, true) = source { try FileDescriptorIO.close(fd, path: path) }
    }

    /// The buffered bytes from the next line's start on (possibly several lines, the last one
    /// partial), for a caller that finds a line's end itself; nil when nothing is buffered.
    @inline(__always)
    func peek() -> UnsafeBufferPointer<UInt8>? {
        guard start < end, !skipping else { return nil }
        return UnsafeBufferPointer(start: buffer + start, count: end - start)
    }

    /// The first `count` bytes of `peek()` were one line, newline included; false (nothing
    /// consumed) when that line is too long, so that nextLine reports it.
    @inline(__always)
    func consumeLine(_ count: Int) -> Bool {
        guard count - 1 <= maxLineLength else { return false }
        start += count
        scanFrom = start
        lineNumber += 1
        return true
    }

    /// The next line without its `\n`, and whether it had one (false only for the file's last line).
    /// The buffer is valid until the next call.
    func nextLine() throws -> (line: UnsafeBufferPointer<UInt8>, terminated: Bool)? {
        while true {
            if scanFrom < end, let hit = memchr(buffer + scanFrom, 0x0A, end - scanFrom) {
                let newline = hit.assumingMemoryBound(to: UInt8.self) - buffer
                let line = UnsafeBufferPointer(start: buffer + start, count: newline - start)
                start = newline + 1
                scanFrom = start
                if skipping {
                    skipping = false
                    continue
                }
                lineNumber += 1
                if line.count > maxLineLength { throw overlong() }
                return (line, true)
            }
            scanFrom = end
            if skipping || end - start > maxLineLength {
                // Memory stays bounded: what is buffered of an overlong line is dropped, and the
                // line is reported once (before the reader moves past it).
                start = end
                if !skipping {
                    skipping = true
                    lineNumber += 1
                    throw overlong()
                }
            }
            if atEOF {
                if start == end { return nil }
                let line = UnsafeBufferPointer(start: buffer + start, count: end - start)
                start = end
                lineNumber += 1
                return (line, false)
            }
            if start > 0 {
                memmove(buffer, buffer + start, end - start)
                end -= start
                scanFrom -= start
                start = 0
            }
            let n = try fill(buffer + end, min(chunkSize, capacity - end))
            if n == 0 { atEOF = true } else { end += n }
        }
    }

    private func fill(_ to: UnsafeMutablePointer<UInt8>, _ wanted: Int) throws -> Int {
        let count = min(wanted, remaining)
        guard count > 0 else { return 0 }
        switch source {
        case .fd(let fd, _):
            let n = try FileDescriptorIO.read(fd, into: to, count: count, path: path)
            remaining -= n
            return n
        case .memory(let bytes):
            let n = min(count, bytes.count - memoryOffset)
            bytes.withUnsafeBufferPointer { src in
                if n > 0 { to.update(from: src.baseAddress! + memoryOffset, count: n) }
            }
            memoryOffset += n
            return n
        }
    }

    /// The first line start at or after byte `offset` of `path` (0 stays 0), found within
    /// `maxLineLength` bytes; nil when there is none (the end of the file, or a line too long).
    static func lineStart(path: String, atOrAfter offset: Int, maxLineLength: Int) throws -> Int? {
        guard offset > 0 else { return 0 }
        let fd = try FileDescriptorIO.openForReading(path)
        defer { try? FileDescriptorIO.close(fd, path: path) }
        let chunk = 64 << 10
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        // From the byte before `offset`: a newline there makes `offset` a line start.
        var at = offset - 1
        while at - offset <= maxLineLength {
            let n = try FileDescriptorIO.read(fd, into: buffer, count: chunk, at: at, path: path)
            if n == 0 { return nil }
            if let hit = memchr(buffer, 0x0A, n) {
                let start = at + (hit.assumingMemoryBound(to: UInt8.self) - buffer) + 1
                return start - offset <= maxLineLength ? start : nil
            }
            at += n
        }
        return nil
    }

    private func overlong() -> TraceFormatError {
        TraceFormatError(line: lineNumber, message: "line longer than \(maxLineLength) bytes (expected one trace record per line)")
    }
}
