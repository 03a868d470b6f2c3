import ArgumentParser
import Foundation
import FlashTraceIO

// Output files appear whole or not at all: data goes to a temporary file beside the target,
// renamed over it only on success. `-` is standard output. An existing file is never replaced
// without --force. `record` writes its trace in place instead (`inPlace`): a recorder killed
// mid-run must leave its complete lines under the trace's name, and the trace's end line, not
// the name, tells a whole trace from a cut-short one.

final class OutputFile {
    let path: String
    let fd: Int32
    private let temporary: String?
    /// A regular file created under its final name (`inPlace`): closed on commit, removed on discard.
    private var createdInPlace = false
    private var done = false

    /// `sync` (with `inPlace`) also makes the new file's directory entry durable at once.
    init(path: String, force: Bool, inPlace: Bool = false, sync: Bool = false) throws(ExitCode) {
        self.path = path
        if path == "-" {
            fd = 1
            temporary = nil
            return
        }
        // A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in place: renaming a
        // temporary file over it would replace the device node itself.
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG && (st.st_mode & S_IFMT) != S_IFDIR {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            if fd < 0 { throw fail("cannot open \(path): \(String(cString: strerror(errno)))", .cantCreate) }
            self.fd = fd
            temporary = nil
            return
        }
        if !force && FileManager.default.fileExists(atPath: path) {
            throw fail("\(path) exists; pass --force to overwrite it", .cantCreate)
        }
        let dir = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        if inPlace {
            // Unlink rather than truncate: a reader still holding the old trace keeps it whole.
            if force { unlink(path) }
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd < 0 { throw fail("cannot create \(path): \(String(cString: strerror(errno)))", .cantCreate) }
            self.fd = fd
            temporary = nil
            createdInPlace = true
            if sync {
                let dirFD = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                if dirFD >= 0 { fsync(dirFD); close(dirFD) }
            }
            return
        }
        let tmp = (dir.isEmpty ? "" : dir + "/") + ".\(base).tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw fail("cannot create \(path): \(String(cString: strerror(errno)))", .cantCreate)
        }
        self.fd = fd
        temporary = tmp
    }

    /// Makes the output visible under its name (after the writer flushed everything).
    func commit() throws(ExitCode) {
        if createdInPlace && !done {
            done = true
            // fsync's EINVAL only means "nothing to sync"; a failed close loses data (NFS, quota).
            if (fsync(fd) != 0 && errno != EINVAL) || close(fd) != 0 {
                let message = String(cString: strerror(errno))
                unlink(path)
                throw fail("cannot write \(path): \(message)", .ioError)
            }
            return
        }
        guard let temporary, !done else { return }
        done = true
        if fsync(fd) != 0 || close(fd) != 0 {
            unlink(temporary)
            throw fail("cannot write \(path): \(String(cString: strerror(errno)))", .ioError)
        }
        if rename(temporary, path) != 0 {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw fail("cannot create \(path): \(message)", .cantCreate)
        }
    }

    /// Writes all of `bytes` (retrying short writes); throws on the first failure.
    func writeAll(_ bytes: [UInt8]) throws(ExitCode) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                discard()
                throw fail("cannot write \(path): \(message)", .ioError)
            }
            offset += n
        }
    }

    /// Removes the partial output (on any failure).
    func discard() {
        if createdInPlace && !done {
            done = true
            close(fd)
            unlink(path)
            return
        }
        guard let temporary, !done else { return }
        done = true
        close(fd)
        unlink(temporary)
    }

    deinit { discard() }
}

/// Writes a whole small output (a report) atomically.
func writeOutput(_ text: String, to path: String, force: Bool) throws(ExitCode) {
    try writeOutput(Array(text.utf8), to: path, force: force)
}

func writeOutput(_ data: [UInt8], to path: String, force: Bool) throws(ExitCode) {
    let out = try OutputFile(path: path, force: force)
    try out.writeAll(data)
    try out.commit()
}
