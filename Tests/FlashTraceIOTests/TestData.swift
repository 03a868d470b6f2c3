// Locates ../shared beside the package (CI clones the repo next to it) and loads its logs.

import Foundation
import XCTest

enum TestData {
    /// <package>/../shared, from this file's path: Tests/FlashTraceIOTests/TestData.swift.
    static let shared: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared")

    static func goldenLogs() throws -> [URL] {
        let dir = shared.appendingPathComponent("golden")
        let logs = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasSuffix(".qemu.log") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        XCTAssertFalse(logs.isEmpty, "no golden logs in \(dir.path)")
        return logs
    }

    static let bootTraceNames = ["aarch64-virt-aavmf-firstboot", "x86-q35-ovmf4m-firstboot"]

    /// `xz -dc` of a boot trace (decompressed per call; callers keep the result).
    static func bootTrace(_ name: String) throws -> Data {
        let path = shared.appendingPathComponent("traces/\(name)/trace.log.xz").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xz")
        process.arguments = ["-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "xz -dc \(path)")
        return data
    }

    /// All inputs for round-trip tests: (name, lines without newline).
    static func allLogs() throws -> [(String, [Substring])] {
        var result: [(String, [Substring])] = []
        for url in try goldenLogs() {
            let text = try String(contentsOf: url, encoding: .utf8)
            result.append((url.lastPathComponent, lines(text)))
        }
        for name in bootTraceNames {
            result.append((name, lines(String(decoding: try bootTrace(name), as: UTF8.self))))
        }
        return result
    }

    static func lines(_ text: String) -> [Substring] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
