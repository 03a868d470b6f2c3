import Foundation
import FlashEvents
import FlashModel
import FlashTraceIO

/// `<package>/../shared`, where CI and sessions keep the specification and golden data.
let sharedDirectory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared")

struct GoldenCase {
    var name: String
    var script: OpScript
    var configs: [DeviceConfig]
    var images: [String: [UInt8]]
    var log: [String]

    init(stem: String) throws {
        let dir = sharedDirectory.appendingPathComponent("golden")
        name = stem
        let text = try String(contentsOf: dir.appendingPathComponent(stem + ".ops"), encoding: .utf8)
        script = try OpScript(text: text, name: stem + ".ops")
        configs = try script.deviceSpecs.map(DeviceSpec.parse)
        let imageLine = text.split(separator: "\n").first { $0.hasPrefix("# image:") }.map(String.init) ?? ""
        images = [:]
        for c in configs { images[c.name] = try GoldenCase.image(for: c, description: imageLine) }
        log = try String(contentsOf: dir.appendingPathComponent(stem + ".qemu.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    /// Initial contents as the `# image:` line describes them.
    static func image(for c: DeviceConfig, description: String) throws -> [UInt8] {
        let size = Int(c.chipLength)
        if description.contains("pattern") {
            // word at byte offset o = ((o>>9)&0xff)<<8 | ((o>>1)&0xff), little-endian
            var bytes = [UInt8](repeating: 0, count: size)
            var o = 0
            while o < size {
                bytes[o] = UInt8((o >> 1) & 0xFF)
                bytes[o + 1] = UInt8((o >> 9) & 0xFF)
                o += 2
            }
            return bytes
        }
        if description.contains("OVMF") {
            let file = c.name == "system.flash0" ? "/usr/share/OVMF/OVMF_CODE_4M.fd" : "/usr/share/OVMF/OVMF_VARS_4M.fd"
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        }
        return [UInt8](repeating: 0, count: size)
    }

    static var all: [String] {
        let dir = sharedDirectory.appendingPathComponent("golden")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return files.filter { $0.hasSuffix(".ops") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// Runs the script through the model: bus read values and the event stream as QEMU log lines.
    func runModel() throws -> (reads: [ReadResult], lines: [String], records: [TraceRecord]) {
        let devices = try configs.map { try makeDevice($0, initial: images[$0.name]) }
        let runner = OpScriptRunner(bus: FlashBus(devices: devices))
        var records: [TraceRecord] = []
        var reads: [ReadResult] = []
        runner.start { records.append($0) }
        try runner.run(script, onRead: { reads.append($0) }) { records.append($0) }
        return (reads, records.map { qemuLogLine(device: $0.device, event: $0.event) }, records)
    }

    /// Devices the script addresses (the golden logs also hold other devices' reset lines).
    var touchedDevices: Set<String> {
        var names = Set<String>()
        for op in script.ops {
            let addr: UInt64
            switch op.kind {
            case .write(let a, _, _), .read(let a, _, _): addr = a
            default: continue
            }
            if let c = configs.first(where: { addr >= $0.addr && addr - $0.addr < $0.regionSize }) { names.insert(c.name) }
        }
        return names
    }

    static func deviceOf(line: String) -> String? {
        guard let space = line.firstIndex(of: " ") else { return nil }
        let rest = line[line.index(after: space)...]
        guard let colon = rest.range(of: ": ") else { return nil }
        return String(rest[..<colon.lowerBound])
    }
}
