import Foundation
import XCTest

// Real tools, no mocks: the built `flashtrace`, lttng-sessiond/lttng, babeltrace2. Each LTTng
// scenario runs as a bash script in a private mount namespace (`unshare -m`) with fresh tmpfs on
// /run/lttng and /dev/shm, so its session daemon is invisible to (and unaffected by) any other
// on the machine; the script kills the daemon it started by the pid in its own pid file.

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `.build/<config>/flashtrace`, next to the running test bundle.
let flashtraceBinary: String = {
    var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    while dir.path != "/" {
        let candidate = dir.appendingPathComponent("flashtrace").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/flashtrace").path
}()

struct ShellResult {
    var status: Int32
    var output: String
}

/// Runs `bash -c script` (stdout+stderr to a file, never a pipe that could fill) with a limit.
@discardableResult
func shell(_ script: String, timeout: Int = 300, namespace: Bool = false) throws -> ShellResult {
    let dir = try temporaryDirectory("sh")
    let scriptPath = dir.appendingPathComponent("script.sh").path
    let outPath = dir.appendingPathComponent("out.txt").path
    try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
    let isolate = namespace ? "unshare -m --propagation private " : ""
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = ["-c", "timeout --kill-after=10 \(timeout) \(isolate)bash -u '\(scriptPath)' > '\(outPath)' 2>&1"]
    p.standardInput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(at: dir)
    return ShellResult(status: p.terminationStatus, output: output)
}

func temporaryDirectory(_ tag: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ft-lttng-\(tag)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Shell-quotes a path for the scripts.
func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

enum LTTngTools {
    /// Fails the test (not skips: CI must run it) when a required tool is missing.
    static func require() throws {
        guard getuid() == 0 else { throw XCTSkip("the LTTng tests need root for a private mount namespace") }
        for tool in ["lttng", "lttng-sessiond", "babeltrace2", "unshare", "cc", "timeout"] {
            let r = try shell("command -v \(tool)", timeout: 10)
            if r.status != 0 {
                XCTFail("\(tool) is missing: install lttng-tools liblttng-ust-dev babeltrace2 libbabeltrace2-dev")
                throw XCTSkip("missing \(tool)")
            }
        }
    }

    /// The probe library, built once per test run from the committed provider into the build
    /// folder beside the test bundle (so the tests never depend on, or touch,
    /// tracepoints/libflashtrace-tp.so, and nothing piles up in /tmp).
    static let probeLibrary: Result<String, Error> = Result {
        let dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("lttng-tests-probes")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let lib = dir.appendingPathComponent("libflashtrace-tp.so").path
        let src = packageRoot.appendingPathComponent("tracepoints").path
        let r = try shell("cc -O2 -shared -fPIC -I\(q(src)) -o \(q(lib)) \(q(src + "/flashtrace_tp.c")) -llttng-ust -ldl", timeout: 120)
        guard r.status == 0 else { throw NSError(domain: "probe build", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.output]) }
        return lib
    }

    /// Script lines that isolate the LTTng world and, on exit, stop the daemon started inside:
    /// the preamble the package test and the CTF seed script paste in too.
    static let prelude: String = {
        let path = packageRoot.appendingPathComponent("scripts/private-sessiond.sh").path
        guard let preamble = try? String(contentsOfFile: path, encoding: .utf8) else {
            return "echo 'missing \(path)' >&2; exit 1\n"
        }
        return "set -u\n" + preamble + "export LTTNG_HOME=$(mktemp -d)\n\n"
    }()
}
