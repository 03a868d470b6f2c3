import Foundation

// Runs a helper program (lttng, lttng-sessiond, babeltrace2) with its output captured and a
// time limit: a wedged daemon must not hang `record`. Used for short commands only.

public struct CommandResult: Sendable {
    public var status: Int32
    public var output: String
    public var timedOut: Bool
}

/// Thread-safe sink for the pipe readers.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ d: Data) { lock.lock(); data.append(d); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
}

public enum Subprocess {
    /// Directory of `name` in $PATH, if any.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable` with stdout and stderr merged; kills it (that process only) after `timeout`.
    public static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let collected = Collected()
        let done = DispatchSemaphore(value: 0)
        let drained = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        let reader = pipe.fileHandleForReading
        DispatchQueue.global().async {
            // Until EOF: a daemonizing child may keep the pipe open a little after exit.
            while case let d = reader.availableData, !d.isEmpty { collected.append(d) }
            drained.signal()
        }
        var timedOut = false
        if done.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            done.wait()
        }
        try? pipe.fileHandleForWriting.close()
        _ = drained.wait(timeout: .now() + 5)
        return CommandResult(status: process.terminationStatus, output: collected.text, timedOut: timedOut)
    }
}
