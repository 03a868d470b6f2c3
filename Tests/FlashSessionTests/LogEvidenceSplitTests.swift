// A large QEMU log's evidence is read in two halves on two threads (LogEvidence.scan(path:
// splitAt:)). These tests split real logs at many line starts, the ones right after a program,
// an erase or a buffer opening included (where the second half's fresh start is not where the
// first left off), and require exactly what one sequential scan finds, errors and lines included.

@testable import FlashSession
import FlashTraceIO
import Foundation
import XCTest

final class LogEvidenceSplitTests: XCTestCase {
    /// <package>/../shared, from this file's path.
    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/boots")

    private func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flashtrace-split-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// Real boot logs, decompressed into `dir`: the shared AAVMF boot, U-Boot programming and
    /// erasing both banks, OVMF with a 4 MiB vars file (the smaller ones: each split reads a
    /// log three times, in a debug build).
    private func bootLogs(in dir: URL) throws -> [String] {
        let xz = [Self.shared.appendingPathComponent("traces/aarch64-virt-aavmf-firstboot/trace.log.xz"),
                  Self.fixtures.appendingPathComponent("virt-uboot-bios/trace.log.xz"),
                  Self.fixtures.appendingPathComponent("q35-ovmf2m-vars4m/trace.log.xz")]
        return try xz.enumerated().map { i, url in
            XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), "missing \(url.path)")
            let out = dir.appendingPathComponent("boot\(i).log").path
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "xz -dc '\(url.path)' > '\(out)'"]
            try p.run()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, "xz -dc \(url.path)")
            return out
        }
    }

    /// Byte offsets of the line starts of `path`, and the lines' text.
    private func lines(_ path: String) throws -> (starts: [Int], text: [Substring]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var starts = [0]
        for (i, b) in data.enumerated() where b == 0x0A && i + 1 < data.count { starts.append(i + 1) }
        let text = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return (starts, Array(text))
    }

    /// Split points: evenly spread line starts, and the starts of the lines after each of the
    /// first events that leave a device waiting (a program's data, an erase's status, a buffer).
    private func splitPoints(_ starts: [Int], _ text: [Substring], spread: Int, perKind: Int) -> [Int] {
        var points = Set(stride(from: 1, to: starts.count, by: max(1, starts.count / spread)).map { starts[$0] })
        let waiting = ["single byte program (1)", "pflash_write_block_erase", "pflash_write_block_start", "wcycle:1", "wcycle:2"]
        for marker in waiting {
            var n = 0
            for (i, line) in text.enumerated() where i + 1 < starts.count && line.contains(marker) {
                points.insert(starts[i + 1])
                n += 1
                if n == perKind { break }
            }
        }
        return points.sorted()
    }

    func testSplitScansOfRealBootsEqualOneScan() throws {
        let dir = try temporaryDirectory()
        var merged = 0, readAgain = 0
        for log in try bootLogs(in: dir) {
            let whole = try LogEvidence.scan(path: log)
            XCTAssertFalse(whole.devices.isEmpty, log)
            let (starts, text) = try lines(log)
            // scan(path:splitAt:)'s two ways, each checked (its threads: the golden logs' test).
            for split in splitPoints(starts, text, spread: 10, perKind: 4) {
                let first = try LogEvidence.scan(path: log, bytes: 0..<split)
                let second = try LogEvidence.scan(path: log, bytes: split..<Int.max)
                if let m = first.evidence.merged(with: second.evidence, lineOffset: first.lines) {
                    XCTAssertEqual(m, whole, "\(log) merged at byte \(split)")
                    merged += 1
                } else {
                    let again = try LogEvidence.scan(path: log, bytes: split..<Int.max, continuing: first.evidence, lineOffset: first.lines)
                    XCTAssertEqual(again.evidence, whole, "\(log) read again from byte \(split)")
                    readAgain += 1
                }
            }
        }
        // Both ways were taken: the test covers the merge and the second reading.
        XCTAssertGreaterThan(merged, 15)
        XCTAssertGreaterThan(readAgain, 2)
    }

    func testEverySplitOfTheGoldenLogs() throws {
        let golden = try FileManager.default.contentsOfDirectory(atPath: Self.shared.appendingPathComponent("golden").path)
            .filter { $0.hasSuffix(".qemu.log") }.sorted()
        XCTAssertGreaterThan(golden.count, 5)
        for name in golden {
            let log = Self.shared.appendingPathComponent("golden/\(name)").path
            guard let whole = try? LogEvidence.scan(path: log) else { continue }  // a log of errors only
            // Every line start of the small ones; spread and telling ones of the long ones.
            let (starts, text) = try lines(log)
            for split in starts.count <= 2_000 ? Array(starts.dropFirst()) : splitPoints(starts, text, spread: 20, perKind: 4) {
                XCTAssertEqual(try LogEvidence.scan(path: log, splitAt: split), whole, "\(name) split at byte \(split)")
            }
        }
    }

    /// A malformed line in either half is reported as one scan reports it: the first one, with
    /// its line in the whole log.
    func testErrorsKeepTheirLineAcrossTheSplit() throws {
        let dir = try temporaryDirectory()
        let log = try bootLogs(in: dir)[0]
        let (starts, text) = try lines(log)
        let bad = "pflash_io_write virt.flash1: offset:0xzz size:4 value:0x0 wcycle:0"
        for at in [starts.count / 4, 3 * starts.count / 4] {
            var t = text
            t[at] = Substring(bad)
            let path = dir.appendingPathComponent("bad\(at).log").path
            try t.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
            var expected: TraceFormatError?
            XCTAssertThrowsError(try LogEvidence.scan(path: path)) { expected = $0 as? TraceFormatError }
            XCTAssertEqual(expected?.line, at + 1)
            for split in [starts[starts.count / 2], starts[1], starts[starts.count - 1]] {
                XCTAssertThrowsError(try LogEvidence.scan(path: path, splitAt: split), "split at \(split)") {
                    XCTAssertEqual($0 as? TraceFormatError, expected)
                }
            }
        }
    }

    /// The threshold and the line-start search that pick the split.
    func testLineStart() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("t.log").path
        try "ab\ncd\n\nefg".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try QemuLogReader.lineStart(path: path, atOrAfter: 0), 0)
        XCTAssertEqual(try QemuLogReader.lineStart(path: path, atOrAfter: 1), 3)
        XCTAssertEqual(try QemuLogReader.lineStart(path: path, atOrAfter: 3), 3)
        XCTAssertEqual(try QemuLogReader.lineStart(path: path, atOrAfter: 4), 6)
        XCTAssertEqual(try QemuLogReader.lineStart(path: path, atOrAfter: 6), 6)
        XCTAssertEqual(try QemuLogReader.lineStart(path: path, atOrAfter: 7), 7)
        XCTAssertNil(try QemuLogReader.lineStart(path: path, atOrAfter: 8))
        XCTAssertNil(try QemuLogReader.lineStart(path: path, atOrAfter: 40))
        XCTAssertNil(try QemuLogReader.lineStart(path: path, atOrAfter: 1, maxLineLength: 0))
    }
}
