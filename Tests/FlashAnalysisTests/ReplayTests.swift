import XCTest
import FlashAnalysis
import FlashEvents
import FlashModel
import FlashTraceIO

final class ReplayTests: XCTestCase {
    func testDefaultScenarioReplaysWithoutAnyFinding() throws {
        let s = try XCTUnwrap(Scenario.named(Scenario.defaultName))
        let script = try OpScript(text: s.text, name: s.name)
        let (configs, records) = try record(s.text, devices: script.deviceSpecs)
        let report = try replay(configs, records)
        XCTAssertEqual(report.errors, 0, report.text())
        XCTAssertEqual(report.warnings, 0, report.text())
        XCTAssertGreaterThan(report.events, 100)
        let flash1 = try XCTUnwrap(report.devices.first { $0.name == "virt.flash1" })
        XCTAssertEqual(flash1.smallestSafeImage, 512 << 10)
        XCTAssertEqual(flash1.bufferWrites, 2)
        XCTAssertEqual(flash1.erases, 1)
    }

    func testEveryScenarioRepeatedReplaysWithoutDivergence() throws {
        for s in Scenario.all {
            let script = try OpScript(text: s.text, name: s.name)
            let (configs, records) = try record(s.text, devices: script.deviceSpecs, repeat: 5)
            let report = try replay(configs, records)
            XCTAssertEqual(report.divergences, 0, "\(s.name) ×5: \(report.text())")
            XCTAssertEqual(report.events, records.count)
        }
    }

    /// Every golden case recorded through the model replays with no divergence, with the image and
    /// without it (then data values are learnt from the trace).
    func testGoldenRecordingsReplayWithoutDivergence() throws {
        let dir = sharedDirectory.appendingPathComponent("golden")
        let stems = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".ops") }.sorted()
        XCTAssertGreaterThanOrEqual(stems.count, 15)
        for stem in stems where !stem.contains("x86") || FileManager.default.fileExists(atPath: "/usr/share/OVMF/OVMF_VARS_4M.fd") {
            let text = try String(contentsOf: dir.appendingPathComponent(stem), encoding: .utf8)
            let script = try OpScript(text: text, name: stem)
            let configs = try script.deviceSpecs.map(DeviceSpec.parse)
            var images: [String: [UInt8]] = [:]
            for c in configs {
                if text.contains("OVMF") {
                    let file = c.name == "system.flash0" ? "/usr/share/OVMF/OVMF_CODE_4M.fd" : "/usr/share/OVMF/OVMF_VARS_4M.fd"
                    images[c.name] = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
                } else if text.contains("pattern") {
                    images[c.name] = patternImage(Int(c.chipLength))
                } else {
                    images[c.name] = [UInt8](repeating: 0, count: Int(c.chipLength))
                }
            }
            let (_, records) = try record(text, devices: script.deviceSpecs, images: images)
            let withImage = try replay(configs, records, images: images)
            XCTAssertEqual(withImage.divergences, 0, "\(stem) with image: \(withImage.findings.filter { $0.rule == .replayDivergence }.map(\.message))")
            let without = try replay(configs, records)
            XCTAssertEqual(without.divergences, 0, "\(stem) without image: \(without.findings.filter { $0.rule == .replayDivergence }.map(\.message))")
        }
    }

    /// The golden CFI02 pattern: the little-endian word at byte offset o is ((o>>9)&0xff)<<8 | ((o>>1)&0xff).
    private func patternImage(_ size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        var o = 0
        while o < size {
            bytes[o] = UInt8((o >> 1) & 0xFF)
            bytes[o + 1] = UInt8((o >> 9) & 0xFF)
            o += 2
        }
        return bytes
    }

    func testTamperedEventDivergesAtItsSeq() throws {
        let s = try XCTUnwrap(Scenario.named(Scenario.defaultName))
        let script = try OpScript(text: s.text, name: s.name)
        var (configs, records) = try record(s.text, devices: script.deviceSpecs)
        // Tamper the value of a status read and the data of a buffered write.
        for kind in [EventKind.readStatus, .dataWriteBlock] {
            var copy = records
            let i = try XCTUnwrap(copy.firstIndex { $0.event.kind == kind })
            copy[i].event.a2 ^= 0x100
            copy[i].event.a0 ^= (kind == .readStatus ? 0x100 : 0)
            let report = try replay(configs, copy)
            XCTAssertGreaterThanOrEqual(report.divergences, 1, "\(kind)")
            let first = try XCTUnwrap(report.findings.first { $0.rule == .replayDivergence })
            XCTAssertEqual(first.seq, copy[i].seq, "divergence reported at \(String(describing: first.seq)), tampered \(copy[i].seq): \(first.message)")
            XCTAssertEqual(first.line, i + 2)
        }
        records.removeAll()
        configs.removeAll()
    }

    func testWrongImageDiverges() throws {
        // CFI01 array reads never reach a trace (ROMD); CFI02 traps ~42 array reads after a
        // command, so its trace carries data values that depend on the image.
        let (mconfigs, mrecords) = try record("""
            writew 0xfe000aaa 0x00aa
            writew 0xfe000554 0x0055
            writew 0xfe000aaa 0x0090
            writew 0xfe000000 0x00f0
            readw 0xfe000100
            """, devices: musicpalDevices)
        let wrong = [UInt8](repeating: 0x00, count: 8 << 20)
        let report = try replay(mconfigs, mrecords, images: ["musicpal.flash": wrong])
        XCTAssertGreaterThanOrEqual(report.divergences, 1)
        let first = try XCTUnwrap(report.findings.first { $0.rule == .replayDivergence })
        let dataRead = try XCTUnwrap(mrecords.first { $0.event.kind == .dataRead })
        XCTAssertEqual(first.seq, dataRead.seq, first.message)
        let right = try replay(mconfigs, mrecords, images: ["musicpal.flash": [UInt8](repeating: 0xFF, count: 8 << 20)])
        XCTAssertEqual(right.divergences, 0)
    }

    func testSmallerBackingSizeShowsWhatWouldBeLost() throws {
        let s = try XCTUnwrap(Scenario.named(Scenario.defaultName))
        let script = try OpScript(text: s.text, name: s.name)
        let (configs, records) = try record(s.text, devices: script.deviceSpecs)
        var smaller = configs
        smaller[1].backingSize = 256 << 10  // the scenario works in block 1 (0x40000..)
        let report = try replay(smaller, records)
        XCTAssertGreaterThan(report.count(.outOfExtentWrite), 0)
        XCTAssertEqual(report.divergences, 0, report.findings.map(\.message).joined(separator: "\n"))
    }
}
