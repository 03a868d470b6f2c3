import Foundation
import XCTest

// Running the real binary (as CLITests does) plus what these tests need beyond it: the child's
// peak memory, signals, pipes and scratch files written in bulk.

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `flashtrace` next to the running test bundle.
var flashtraceBinary: URL {
    var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    while dir.path != "/" {
        let candidate = dir.appendingPathComponent("flashtrace")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/flashtrace")
}

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Killed by a signal (status is then 128 + signal).
    var signaled: Bool
}

/// Memory a run may use (RLIMIT_DATA) where a test checks that a size the input claims is not
/// allocated: going beyond it makes the allocation fail and the process trap, so the test sees a
/// crash instead of the expected message. (wait4's ru_maxrss cannot measure it: a child started
/// by posix_spawn inherits the test process's own high-water mark.)
let boundedMemory = 256

/// Whether the binary under test runs under a sanitizer (scripts/sanitize.sh): their shadow
/// memory needs far more than boundedMemory of address space, so no limit is set then.
let binaryIsSanitized: Bool = {
    guard let data = FileManager.default.contents(atPath: flashtraceBinary.path) else { return false }
    return ["__asan_init", "__tsan_init"].contains { data.range(of: Data($0.utf8)) != nil }
}()

/// Runs flashtrace in `cwd`; output goes to files so nothing blocks on a full pipe.
/// `whileRunning` gets the pid and returns when the test is done with the live process.
func flashtrace(_ args: [String], cwd: URL, timeout: TimeInterval = 300, memoryLimitMiB: Int? = nil,
                whileRunning: ((pid_t) -> Void)? = nil) throws -> Run {
    let out = cwd.appendingPathComponent(".run-\(UUID().uuidString).out")
    let err = cwd.appendingPathComponent(".run-\(UUID().uuidString).err")
    defer {
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
    }
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let pid = try spawn(args, cwd: cwd, memoryLimitMiB: memoryLimitMiB, actions: &actions)
    whileRunning?(pid)
    let (status, signaled) = try waitForChild(pid, timeout: timeout, what: args)
    return Run(status: status, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
               stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "", signaled: signaled)
}

/// Starts flashtrace with the given descriptor setup; the working directory is `cwd`.
func spawn(_ args: [String], cwd: URL, memoryLimitMiB: Int? = nil, actions: inout posix_spawn_file_actions_t) throws -> pid_t {
    // The shell changes directory, sets the limit and execs (same pid, so signals reach
    // flashtrace); posix_spawn_file_actions_addchdir_np is not in the Glibc module map.
    let limit = binaryIsSanitized ? "" : memoryLimitMiB.map { "ulimit -d \($0 * 1024) && " } ?? ""
    let script = "cd \"$1\" && shift && \(limit)exec \"$@\""
    let argv = (["/bin/sh", "-c", script, "sh", cwd.path, flashtraceBinary.path] + args).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
    if rc != 0 { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
    return pid
}

/// Waits for `pid` (killing it after `timeout`): exit status, and whether a signal ended it.
func waitForChild(_ pid: pid_t, timeout: TimeInterval, what: [String]) throws -> (Int32, Bool) {
    let deadline = Date().addingTimeInterval(timeout)
    var status: Int32 = 0
    while true {
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid { break }
        if r < 0 && errno != EINTR { throw POSIXError(.ECHILD) }
        if Date() > deadline {
            kill(pid, SIGKILL)
            XCTFail("flashtrace \(what.joined(separator: " ")) did not finish within \(timeout) s")
        }
        usleep(5_000)
    }
    let signaled = status & 0x7F != 0 && status & 0x7F != 0x7F
    let code = signaled ? 128 + (status & 0x7F) : (status >> 8) & 0xFF
    return (code, signaled)
}

func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flashtrace-hostile-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// Files in `dir` other than the test's own inputs: what a failed run must not leave behind.
func leftovers(in dir: URL, besides inputs: Set<String>) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !inputs.contains($0) && !$0.hasPrefix(".run-") }.sorted()
}

/// A small valid trace of the default scenario, recorded by the binary (header + 209 events + end line).
func recordedTrace(in dir: URL, name: String = "t.jsonl") throws -> [String] {
    let r = try flashtrace(["record", "-q", "-o", name, "--force"], cwd: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    return try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        .split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast()
}

func write(_ lines: [String], to url: URL) throws {
    try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
}
