import XCTest
import FlashEvents
import FlashModel
import FlashTraceIO

/// Every golden case (QEMU 7.2.22's own run, shared/golden) through the model: same read values,
/// same event stream line for line.
final class GoldenTests: XCTestCase {
    func testGoldenCasesExist() {
        XCTAssertGreaterThanOrEqual(GoldenCase.all.count, 15, "golden cases not found under \(sharedDirectory.path)")
    }

    func testEveryGoldenCase() throws {
        for stem in GoldenCase.all {
            if stem.contains("x86") && !FileManager.default.fileExists(atPath: "/usr/share/OVMF/OVMF_VARS_4M.fd") {
                XCTFail("\(stem): needs Debian's ovmf package (/usr/share/OVMF)")
                continue
            }
            let golden = try GoldenCase(stem: stem)
            let result = try golden.runModel()
            var mismatchedReads = 0
            for r in result.reads {
                guard case .read(_, _, let expected?) = r.op.kind else { continue }
                if r.value != expected {
                    mismatchedReads += 1
                    if mismatchedReads <= 5 {
                        XCTFail("\(stem).ops:\(r.op.line): read 0x\(String(r.value, radix: 16)), QEMU 0x\(String(expected, radix: 16))")
                    }
                }
            }
            let touched = golden.touchedDevices
            let expected = golden.log.filter { $0.hasPrefix("pflash_") && touched.contains(GoldenCase.deviceOf(line: $0) ?? "") }
            let actual = result.lines.filter { touched.contains(GoldenCase.deviceOf(line: $0) ?? "") }
            XCTAssertGreaterThan(expected.count, 10, "\(stem): too few QEMU lines compared")
            let readsChecked = result.reads.filter { if case .read(_, _, _?) = $0.op.kind { return true }; return false }.count
            XCTAssertGreaterThanOrEqual(readsChecked, 5, "\(stem): too few reads compared")
            if let i = firstDifference(expected, actual) {
                let lo = max(0, i - 5)
                XCTFail("""
                    \(stem): event stream differs at line \(i) (QEMU \(expected.count) lines, model \(actual.count))
                    QEMU:  \(expected[lo..<min(expected.count, i + 3)].joined(separator: "\n       "))
                    model: \(actual[lo..<min(actual.count, i + 3)].joined(separator: "\n       "))
                    """)
            }
        }
    }
}

/// Index of the first differing line, or of the end of the shorter list when one is a prefix.
func firstDifference(_ a: [String], _ b: [String]) -> Int? {
    for i in 0..<min(a.count, b.count) where a[i] != b[i] { return i }
    return a.count == b.count ? nil : min(a.count, b.count)
}
