import FlashAnalysis
import FlashEvents
import FlashModel
import FlashTraceIO
import XCTest

// The fuzzers' seed corpora and crash inputs (Fuzz/corpus/TARGET, Fuzz/regressions/TARGET) run
// through the same public calls as the fuzz targets, without sanitizers: every test run checks
// that nothing the fuzzers ever kept makes a reader or the model trap.

final class CorpusReplayTests: XCTestCase {
    func inputs(_ target: String) throws -> [URL] {
        var urls: [URL] = []
        for dir in ["Fuzz/corpus/\(target)", "Fuzz/regressions/\(target)"] {
            let d = packageRoot.appendingPathComponent(dir)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: d.path) else { continue }
            urls += names.sorted().map { d.appendingPathComponent($0) }
        }
        return urls
    }

    func testJSONLinesAndReplay() throws {
        let files = try inputs("jsonlines") + inputs("replay")
        XCTAssertGreaterThan(files.count, 20, "the corpus is in the repository")
        for url in files {
            let bytes = [UInt8](try Data(contentsOf: url))
            guard var reader = try? JSONLinesReader(bytes: bytes) else { continue }
            // As in the fuzz target: big devices cost allocation time, not coverage.
            let configs = ((try? reader.header.configs()) ?? []).map { c -> DeviceConfig in
                var small = c
                if c.backing > 1 << 20 { small.backingSize = 1 << 20 }
                return small
            }
            let engine = configs.isEmpty ? nil : try? ReplayEngine(configs: configs, images: [:])
            var lines = 0
            while lines < 100_000 {
                lines += 1
                do {
                    guard let r = try reader.next() else { break }
                    try? engine?.consume(r, line: reader.lineNumber)
                } catch {
                    continue  // as --keep-going does
                }
            }
            if let report = engine?.finish(trace: url.lastPathComponent) { _ = report.text() }
        }
    }

    func testQemuLogs() throws {
        let files = try inputs("qemulog")
        XCTAssertGreaterThan(files.count, 20)
        for url in files {
            var reader = QemuLogReader(bytes: [UInt8](try Data(contentsOf: url)))
            for _ in 0..<100_000 {
                do { if try reader.next() == nil { break } } catch { continue }
            }
        }
    }

    func testOpScriptsAndDeviceSpecs() throws {
        for url in try inputs("opscript") {
            let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            guard let script = try? OpScript(text: text, name: url.lastPathComponent) else { continue }
            guard let configs = try? script.deviceSpecs.map(DeviceSpec.parse), !configs.isEmpty,
                  configs.allSatisfy({ (try? $0.validate()) != nil && $0.backing <= 16 << 20 }),
                  let devices = try? configs.map({ try makeDevice($0) }) else { continue }
            let runner = OpScriptRunner(bus: FlashBus(devices: devices))
            runner.start { _ in }
            try? runner.run(script) { _ in }
        }
        for url in try inputs("devicespec") {
            for line in String(decoding: try Data(contentsOf: url), as: UTF8.self).split(separator: "\n") {
                guard let c = try? DeviceSpec.parse(String(line)) else { continue }
                _ = try? c.validate()
                XCTAssertEqual(try? DeviceSpec.parse(DeviceSpec.render(c)).type, c.type)
            }
        }
    }
}
