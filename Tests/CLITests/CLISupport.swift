import Foundation
import XCTest

/// The package root (tests run the real `flashtrace` binary built beside the test bundle).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `.build/<triple>/<config>/flashtrace`, next to the running test bundle.
var flashtraceBinary: URL {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var dir = exe.deletingLastPathComponent()
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
}

/// Runs flashtrace with a time limit; stdin from `input` when given.
func flashtrace(_ args: [String], cwd: URL, input: String? = nil, timeout: TimeInterval = 120) throws -> Run {
    let p = Process()
    p.executableURL = flashtraceBinary
    p.arguments = args
    p.currentDirectoryURL = cwd
    // Output goes to files, not pipes: nothing can block on a full pipe while we wait.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ft-run-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: scratch.path + ".out", contents: nil)
    _ = FileManager.default.createFile(atPath: scratch.path + ".err", contents: nil)
    defer {
        try? FileManager.default.removeItem(atPath: scratch.path + ".out")
        try? FileManager.default.removeItem(atPath: scratch.path + ".err")
    }
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path + ".out"))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path + ".err"))
    let inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
    try inp.fileHandleForWriting.close()
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { usleep(10_000) }
    if p.isRunning {
        p.terminate()
        XCTFail("flashtrace \(args.joined(separator: " ")) did not finish within \(timeout) s")
    }
    p.waitUntilExit()
    try out.close()
    try err.close()
    let outData = try Data(contentsOf: URL(fileURLWithPath: scratch.path + ".out"))
    let errData = try Data(contentsOf: URL(fileURLWithPath: scratch.path + ".err"))
    return Run(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
               stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs a shell command in `dir` (fixtures' image preparation); a non-zero status is an error.
func sh(_ command: String, in dir: URL) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    p.currentDirectoryURL = dir
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw ShellError(message: "\(command): exit status \(p.terminationStatus)") }
}

struct ShellError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flashtrace-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}
