// Thin wrappers over the POSIX calls the codecs need. Foundation's FileHandle is avoided because
// its write path raises Objective-C style exceptions (or traps) on EPIPE/ENOSPC instead of
// returning an error we can throw, and we want errno in the error.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum FileDescriptorIO {
    static func openForReading(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw TraceIOError(operation: "open", path: path, code: errno) }
        return fd
    }

    static func openForWriting(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw TraceIOError(operation: "open", path: path, code: errno) }
        return fd
    }

    /// Reads up to `count` bytes; 0 means end of file. Retries EINTR.
    static func read(_ fd: Int32, into buffer: UnsafeMutablePointer<UInt8>, count: Int, path: String?) throws -> Int {
        while true {
            #if canImport(Darwin)
            let n = Darwin.read(fd, buffer, count)
            #elseif canImport(Musl)
            let n = Musl.read(fd, buffer, count)
            #else
            let n = Glibc.read(fd, buffer, count)
            #endif
            if n >= 0 { return n }
            if errno != EINTR { throw TraceIOError(operation: "read", path: path, code: errno) }
        }
    }

    /// Places the descriptor at byte `offset` of its file.
    static func seek(_ fd: Int32, to offset: Int, path: String?) throws {
        if lseek(fd, off_t(offset), SEEK_SET) < 0 { throw TraceIOError(operation: "lseek", path: path, code: errno) }
    }

    /// pread(2) of up to `count` bytes at `offset`; 0 at the end of the file. Retries EINTR.
    static func read(_ fd: Int32, into buffer: UnsafeMutablePointer<UInt8>, count: Int, at offset: Int, path: String?) throws -> Int {
        while true {
            let n = pread(fd, buffer, count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw TraceIOError(operation: "read", path: path, code: errno) }
        }
    }

    /// Writes all bytes, looping over short writes and EINTR.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String?) throws {
        var done = 0
        while done < buffer.count {
            #if canImport(Darwin)
            let n = Darwin.write(fd, buffer.baseAddress! + done, buffer.count - done)
            #elseif canImport(Musl)
            let n = Musl.write(fd, buffer.baseAddress! + done, buffer.count - done)
            #else
            let n = Glibc.write(fd, buffer.baseAddress! + done, buffer.count - done)
            #endif
            if n > 0 {
                done += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                // n == 0 cannot make progress; report it as an I/O error rather than spin.
                throw TraceIOError(operation: "write", path: path, code: n < 0 ? errno : EIO)
            }
        }
    }

    /// fsync(2). Pipes, terminals and character devices cannot be synced (EINVAL, ENOTSUP,
    /// EROFS): nothing is lost by skipping them, so only real failures (EIO, ENOSPC, …) throw.
    static func sync(_ fd: Int32, path: String?) throws {
        while fsync(fd) != 0 {
            switch errno {
            case EINTR: continue
            case EINVAL, ENOTSUP, EROFS: return
            default: throw TraceIOError(operation: "fsync", path: path, code: errno)
            }
        }
    }

    static func close(_ fd: Int32, path: String?) throws {
        #if canImport(Darwin)
        let r = Darwin.close(fd)
        #elseif canImport(Musl)
        let r = Musl.close(fd)
        #else
        let r = Glibc.close(fd)
        #endif
        // After close() the descriptor is gone even on EINTR (Linux), so never retry.
        if r != 0 && errno != EINTR { throw TraceIOError(operation: "close", path: path, code: errno) }
    }
}
