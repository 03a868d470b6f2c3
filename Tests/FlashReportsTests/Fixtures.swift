import FlashAnalysis
import FlashModel
import FlashTraceIO
import Foundation
import XCTest

// Traces for the report tests: the shared real AAVMF boot (../shared beside the package) and
// small ones recorded with the flashtrace binary; in-process replays with an observer; runs of
// external programs (the binary, chromium, python3) with output in files.

enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    static let aavmfVars = "/usr/share/AAVMF/AAVMF_VARS.fd"

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flashreports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The shared AAVMF first boot's QEMU log, decompressed into `dir`.
    static func aavmfBoot(in dir: URL) throws -> URL {
        let xz = shared.appendingPathComponent("traces/aarch64-virt-aavmf-firstboot/trace.log.xz").path
        guard FileManager.default.fileExists(atPath: xz) else { throw XCTSkip("no shared boot trace at \(xz)") }
        let out = dir.appendingPathComponent("aavmf-firstboot.log")
        let r = try run("/usr/bin/xz", ["-dc", xz], stdout: out)
        XCTAssertEqual(r.status, 0, r.stderr)
        return out
    }

    /// Replays a trace in-process as `flashtrace replay` does (header devices, or the board a
    /// QEMU log's device names point to), with `observer` attached.
    static func replay(_ path: URL, images: [String: String] = [:], observer: (([DeviceConfig]) -> ReplayObserver)? = nil)
        throws -> (report: ReplayReport, configs: [DeviceConfig], lastLine: Int) {
        var input = try TraceInput(path: path.path)
        defer { input.close() }
        var configs: [DeviceConfig]
        if let header = input.header {
            configs = try header.configs()
        } else {
            let names = try TraceInput.deviceNames(inQemuLog: path.path)
            let board = try XCTUnwrap(Board.infer(fromDeviceNames: names))
            configs = board.devices().filter { names.contains($0.name) }
        }
        var bytes: [String: [UInt8]] = [:]
        for (name, file) in images where FileManager.default.fileExists(atPath: file) {
            bytes[name] = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        }
        let engine = try ReplayEngine(configs: configs, images: bytes)
        let o = observer?(configs)
        engine.observer = o
        while let r = try input.next() { try engine.consume(r, line: input.lineNumber) }
        return (engine.finish(trace: path.lastPathComponent), configs, input.lineNumber)
    }

    /// The flashtrace binary SwiftPM built beside this test bundle.
    static var flashtrace: URL {
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("flashtrace")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/flashtrace")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program; output goes to files (never a pipe that could fill and block).
    @discardableResult
    static func run(_ program: String, _ args: [String], cwd: URL? = nil, stdout: URL? = nil,
                    environment: [String: String]? = nil, timeout: TimeInterval = 180) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("flashreports-run-\(UUID().uuidString)")
        let outURL = stdout ?? scratch.appendingPathExtension("out"), errURL = scratch.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            if stdout == nil { try? FileManager.default.removeItem(at: outURL) }
            try? FileManager.default.removeItem(at: errURL)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        if let environment { p.environment = environment }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning {
            p.terminate()
            XCTFail("\(program) \(args.joined(separator: " ")) did not finish within \(timeout) s")
        }
        p.waitUntilExit()
        try out.close(); try err.close()
        let o = stdout == nil ? String(decoding: try Data(contentsOf: outURL), as: UTF8.self) : ""
        return Result(status: p.terminationStatus, stdout: o, stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    static func flashtrace(_ args: [String], cwd: URL) throws -> Result {
        try run(flashtrace.path, args, cwd: cwd)
    }

    /// A program on PATH (or nil).
    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// A tool the test needs: skipped when missing on a developer's machine, a failure in CI
    /// (where .ci/run installs it).
    static func require(_ name: String, package: String) throws -> String {
        if let p = which(name) { return p }
        throw missing("\(name) is not installed (Debian package \(package); scripts/setup.sh --tests installs it)")
    }

    /// A python3 that can import jsonschema: the one on PATH, or Debian's (python3-jsonschema).
    static func pythonWithJSONSchema() throws -> String {
        for candidate in [which("python3"), "/usr/bin/python3"].compactMap({ $0 }) where FileManager.default.isExecutableFile(atPath: candidate) {
            if (try? run(candidate, ["-c", "import jsonschema"]).status) == 0 { return candidate }
        }
        throw missing("python3 with jsonschema is not installed (Debian package python3-jsonschema; scripts/setup.sh --tests installs it)")
    }

    /// Skips on a developer's machine, fails in CI (where the setup script installs everything).
    static func missing(_ message: String) -> XCTSkip {
        if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail(message) }
        return XCTSkip(message)
    }

    /// An op script recorded to JSON lines with the binary.
    static func record(_ ops: String, name: String, in dir: URL) throws -> URL {
        try ops.write(to: dir.appendingPathComponent("\(name).ops"), atomically: true, encoding: .utf8)
        let r = try flashtrace(["record", "-q", "--ops", "\(name).ops", "-o", "\(name).jsonl", "--force"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        return dir.appendingPathComponent("\(name).jsonl")
    }

    /// The default scenario's op script (examples/edk2-varstore-update.ops).
    static func defaultScenario() throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent("examples/edk2-varstore-update.ops"), encoding: .utf8)
    }
}
