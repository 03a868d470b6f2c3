import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A running QEMU driven through the qtest text protocol on stdin/stdout, with QMP on a pair of
// FIFOs for what qtest cannot do (machine reset, clean exit), and the `-trace 'pflash_*'` log
// written to a file.
//
// Why these choices:
// * qtest has no `system_reset` command (it answers "FAIL Unknown command"), so resets go through
//   QMP, and we wait for QMP's RESET event: it is sent after every device's reset handler ran,
//   so the reset lines are in the log before the next qtest command can run.
// * QEMU 7.2's log backend flushes the log file after every line, and every trace event of an
//   access is emitted before qtest answers `OK`. So reading the log after each answer attributes
//   events to the op that caused them exactly; `finish()` checks nothing arrived late.
// * QEMU does not exit when qtest's stdin closes; QMP `quit` ends it cleanly.
// * Every wait has a deadline so a hung or crashed QEMU fails the test instead of hanging it.

struct QEMUError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

enum QEMUBinary {
    /// Full path of `name` on PATH (or /usr/bin), or an XCTSkip explaining what to install.
    static func locate(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                try checkVersion(candidate, expected: "version 7.2.")
                return candidate
            }
        }
        throw XCTSkip("\(name) is not installed: the QEMU conformance tests need QEMU 7.2 "
                      + "(Debian 12: apt-get install qemu-system-arm qemu-system-x86)")
    }

    /// QEMU 10.0.2 from a private prefix (scripts/qemu-10.sh). Missing: a failure in CI (the
    /// tests must run there), a skip elsewhere, saying what to run.
    static func locatePrefixed(_ name: String, prefix: String) throws -> String {
        let candidate = "\(prefix)/usr/bin/\(name)"
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            let hint = "QEMU 10.0.2 is not installed in \(prefix): run scripts/qemu-10.sh (scripts/setup.sh --tests does)"
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail(hint) }
            throw XCTSkip(hint)
        }
        try checkVersion(candidate, expected: "version 10.0.")
        return candidate
    }

    private nonisolated(unsafe) static var checked: [String: String] = [:]

    /// The model reproduces 7.2.x (trace formats and buffered-write semantics differ elsewhere).
    private static func checkVersion(_ binary: String, expected: String) throws {
        let version: String
        if let known = checked[binary] {
            version = known
        } else {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = ["--version"]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            version = String(decoding: data, as: UTF8.self)
            checked[binary] = version
        }
        if !version.contains(expected) {
            throw XCTSkip("\(binary) is not QEMU \(expected.dropFirst(8))x (\(version.split(separator: "\n").first ?? ""))")
        }
    }
}

/// Line-oriented reading from a file descriptor with a deadline (poll + read).
final class FDLineReader {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    /// The next line without its newline. `alive` is asked while waiting so a dead peer fails fast.
    func readLine(deadline: Date, what: String, alive: () -> Bool) throws -> String {
        while true {
            if let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self)
                buffer.removeSubrange(...nl)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { throw QEMUError("timed out waiting for \(what)") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(remaining, 0.2) * 1000) + 1)
            if ready < 0 && errno != EINTR { throw QEMUError("poll failed (errno \(errno)) waiting for \(what)") }
            if ready <= 0 {
                if !alive() { throw QEMUError("QEMU exited while we waited for \(what)") }
                continue
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { throw QEMUError("QEMU closed its output while we waited for \(what)") }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}

/// Writes a whole line to a descriptor (blocking; commands are tiny and answered one by one).
private func writeLine(_ fd: Int32, _ line: String) throws {
    let bytes = Array((line + "\n").utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { throw QEMUError("writing to QEMU failed (errno \(errno))") }
        done += n
    }
}

final class QEMUSession {
    /// Wall-clock budget for each batch of commands (`begin(batch:)` re-arms it).
    static let batchTimeout: TimeInterval = 30

    let description: String
    let directory: URL
    private let process: Process
    private let qtestIn: Int32
    private let qtestOut: FDLineReader
    private let qmpIn: Int32
    private let qmpOut: FDLineReader
    private let logURL: URL
    private let stderrURL: URL
    private var logFile: FileHandle?
    private var logPending: [UInt8] = []
    private var deadline = Date(timeIntervalSinceNow: QEMUSession.batchTimeout)
    private var finished = false

    /// Starts `binary` with `arguments` (machine, drives, globals) plus the qtest/QMP/trace
    /// plumbing. `directory` (scratch files, images) is removed when the session ends.
    init(binary: String, arguments: [String], directory: URL, description: String) throws {
        self.description = description
        self.directory = directory
        // A write to a QEMU that just died must become an error, not kill the test runner.
        signal(SIGPIPE, SIG_IGN)
        let qmpBase = directory.appendingPathComponent("qmp").path
        for suffix in [".in", ".out"] where mkfifo(qmpBase + suffix, 0o600) != 0 {
            throw QEMUError("mkfifo \(qmpBase + suffix) failed (errno \(errno))")
        }
        // O_RDWR on a FIFO never blocks on Linux, so we can open both ends before QEMU starts.
        qmpIn = open(qmpBase + ".in", O_RDWR | O_CLOEXEC)
        let qmpOutFD = open(qmpBase + ".out", O_RDWR | O_CLOEXEC)
        guard qmpIn >= 0, qmpOutFD >= 0 else { throw QEMUError("opening the QMP FIFOs failed (errno \(errno))") }
        qmpOut = FDLineReader(fd: qmpOutFD)
        logURL = directory.appendingPathComponent("trace.log")
        stderrURL = directory.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)

        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments + [
            "-qtest", "stdio", "-qtest-log", "/dev/null", "-S",
            "-display", "none", "-monitor", "none", "-serial", "none", "-nodefaults",
            "-chardev", "pipe,id=qmp,path=\(qmpBase)", "-mon", "chardev=qmp,mode=control",
            "-trace", "pflash_*", "-D", logURL.path,
        ]
        var env = ProcessInfo.processInfo.environment
        env["QEMU_AUDIO_DRV"] = "none"  // boards with sound devices otherwise probe ALSA noisily
        process.environment = env
        let stdinPipe = Pipe(), stdoutPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        qtestIn = stdinPipe.fileHandleForWriting.fileDescriptor
        qtestOut = FDLineReader(fd: stdoutPipe.fileHandleForReading.fileDescriptor)
        do {
            _ = try qmpLine(containing: "\"QMP\"")
            try writeLine(qmpIn, #"{"execute":"qmp_capabilities"}"#)
            _ = try qmpLine(containing: "\"return\"")
        } catch {
            throw startFailure(error)
        }
    }

    deinit {
        if process.isRunning { process.terminate() }  // SIGTERM to the QEMU we started, by pid
        close(qmpIn)
        close(qmpOut.fd)
        try? FileManager.default.removeItem(at: directory)
    }

    private var alive: () -> Bool { { [process] in process.isRunning } }

    private func startFailure(_ error: Error) -> Error {
        QEMUError("\(description): QEMU did not start: \(error)\nstderr:\n\(stderrText())")
    }

    func stderrText() -> String {
        (try? String(contentsOf: stderrURL, encoding: .utf8))?
            .split(separator: "\n").filter { !$0.contains("GLib") }.suffix(20).joined(separator: "\n") ?? ""
    }

    /// Re-arms the per-batch deadline.
    func begin(batch: String) { deadline = Date(timeIntervalSinceNow: QEMUSession.batchTimeout) }

    private func qmpLine(containing needle: String) throws -> String {
        while true {
            let line = try qmpOut.readLine(deadline: deadline, what: "QMP \(needle)", alive: alive)
            if line.contains(needle) { return line }
            if line.contains("\"error\"") { throw QEMUError("QMP error: \(line)") }
        }
    }

    /// One qtest command (never empty: an empty line aborts QEMU's qtest). Returns the text after
    /// `OK` (e.g. `0x0000000000510051` for a read, "" for a write).
    func qtest(_ command: String) throws -> String {
        precondition(!command.isEmpty)
        try writeLine(qtestIn, command)
        let answer = try qtestOut.readLine(deadline: deadline, what: "the answer to `\(command)`", alive: alive)
        guard answer.hasPrefix("OK") else { throw QEMUError("`\(command)` failed: \(answer)") }
        return String(answer.dropFirst(2).drop { $0 == " " })
    }

    /// Machine reset (QMP `system_reset`), returning once QEMU reports it done.
    func systemReset() throws {
        try writeLine(qmpIn, #"{"execute":"system_reset"}"#)
        _ = try qmpLine(containing: "\"RESET\"")
    }

    /// Runs one op-script line (`writel A V`, `readq A`, `system_reset`); returns a read's value.
    func execute(_ line: String) throws -> UInt64? {
        if line == "system_reset" {
            try systemReset()
            return nil
        }
        let answer = try qtest(line)
        guard line.hasPrefix("read") else { return nil }
        guard answer.hasPrefix("0x"), let v = UInt64(answer.dropFirst(2), radix: 16) else {
            throw QEMUError("`\(line)`: unexpected answer \"\(answer)\"")
        }
        return v
    }

    /// pflash trace lines logged since the last call (complete lines only).
    func takeLog() throws -> [String] {
        if logFile == nil {
            guard FileManager.default.fileExists(atPath: logURL.path) else { return [] }
            logFile = try FileHandle(forReadingFrom: logURL)
        }
        logPending.append(contentsOf: try logFile!.readToEnd() ?? Data())
        guard let lastNewline = logPending.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let text = String(decoding: logPending[...lastNewline], as: UTF8.self)
        logPending.removeSubrange(...lastNewline)
        return text.split(separator: "\n").map(String.init).filter(QEMUSession.isTraceLine)
    }

    /// Trace-event lines only (`-d unimp` style `pflash_write: …` messages are not events).
    static func isTraceLine(_ line: String) -> Bool {
        line.hasPrefix("pflash_") && !line.hasPrefix("pflash_write:")
    }

    /// Quits QEMU and returns any trace lines that arrived after the last `takeLog()` (expected: none).
    func finish() throws -> [String] {
        guard !finished else { return [] }
        finished = true
        try? writeLine(qmpIn, #"{"execute":"quit"}"#)
        let exitDeadline = Date(timeIntervalSinceNow: 10)
        while process.isRunning && Date() < exitDeadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            throw QEMUError("\(description): QEMU did not exit after QMP quit")
        }
        return try takeLog()
    }
}
