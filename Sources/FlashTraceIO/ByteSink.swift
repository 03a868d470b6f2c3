// A buffered file-descriptor writer that reports every failed write. Kept as a class so copies
// of the (struct) writer share one buffer instead of each flushing its own half of the output.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

final class ByteSink {
    let fd: Int32
    let owned: Bool
    let path: String?
    let capacity: Int
    private let buffer: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var closed = false
    /// The first I/O error; every later call rethrows it, so a failure cannot be skipped past.
    private var failure: TraceIOError?
    /// fsync(2) after every write of the buffer (`record --sync`): each batch is on disk before
    /// the next one is produced, so a crash of the machine loses at most the unwritten buffer.
    var syncEachWrite = false

    init(fd: Int32, owned: Bool, path: String?, capacity: Int) {
        self.fd = fd
        self.owned = owned
        self.path = path
        self.capacity = max(capacity, 4096)
        buffer = .allocate(capacity: self.capacity)
    }

    deinit {
        buffer.deallocate()
        // Unflushed bytes are dropped on purpose: a flush here could only swallow its error.
        // Callers must close() to learn whether the output is complete.
        if owned && !closed { try? FileDescriptorIO.close(fd, path: path) }
    }

    /// Guarantees `n` (≤ 4096) free bytes at `cursor`.
    @inline(__always)
    func reserve(_ n: Int) throws {
        if capacity - count < n { try flush() }
    }

    /// Bytes waiting in the buffer.
    var buffered: Int { count }

    /// Where the next byte goes; valid after `reserve`, advanced with `advance`.
    @inline(__always) var cursor: UnsafeMutablePointer<UInt8> { buffer + count }
    @inline(__always) func advance(_ n: Int) { count += n }

    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        if capacity - count >= bytes.count {
            (buffer + count).update(from: bytes.baseAddress!, count: bytes.count)
            count += bytes.count
            return
        }
        try flush()
        if bytes.count > capacity {
            try checkUsable()
            do { try writeOut(UnsafeRawBufferPointer(bytes)) }
            catch let e as TraceIOError { failure = e; throw e }
        } else {
            (buffer + count).update(from: bytes.baseAddress!, count: bytes.count)
            count += bytes.count
        }
    }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { if $0.count > 0 { try append($0) } }
    }

    func flush() throws {
        try checkUsable()
        guard count > 0 else { return }
        let n = count
        count = 0
        do { try writeOut(UnsafeRawBufferPointer(start: buffer, count: n)) }
        catch let e as TraceIOError { failure = e; throw e }
    }

    private func writeOut(_ bytes: UnsafeRawBufferPointer) throws {
        try FileDescriptorIO.writeAll(fd, bytes, path: path)
        if syncEachWrite { try FileDescriptorIO.sync(fd, path: path) }
    }

    /// Flushes, then closes the descriptor if owned. close(2) can report deferred write errors
    /// (NFS, quota), so its result matters as much as write's.
    func close() throws {
        guard !closed else { return }
        var firstError: (any Error)?
        do { try flush() } catch { firstError = error }
        closed = true
        if owned {
            do { try FileDescriptorIO.close(fd, path: path) } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }

    private func checkUsable() throws {
        if let failure { throw failure }
        if closed { throw TraceIOError(operation: "write", path: path, code: EBADF) }
    }
}
