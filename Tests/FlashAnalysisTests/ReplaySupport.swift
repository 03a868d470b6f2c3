import Foundation
import FlashAnalysis
import FlashEvents
import FlashModel
import FlashTraceIO

let sharedDirectory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared")

/// virt as the rule traces use it: flash0 read-only code, flash1 vars backed by a 768 KiB image.
let virtDevices = [
    "cfi01,name=virt.flash0,addr=0x0,num-blocks=256,sector-length=256K,width=4,device-width=2,max-device-width=2,id0=0x89,id1=0x18,readonly=on,backing-size=2M",
    "cfi01,name=virt.flash1,addr=0x4000000,num-blocks=256,sector-length=256K,width=4,device-width=2,max-device-width=2,id0=0x89,id1=0x18,backing-size=768K",
]
let musicpalDevices = [
    "cfi02,name=musicpal.flash,addr=0xfe000000,num-blocks=128,sector-length=64K,width=2,mappings=4,id0=0xbf,id1=0x236d,unlock-addr0=0x5555,unlock-addr1=0x2aaa",
]

/// Records an op script through the model, as `flashtrace record` does.
func record(_ ops: String, devices specs: [String], images: [String: [UInt8]] = [:], repeat times: Int = 1) throws
    -> (configs: [DeviceConfig], records: [TraceRecord]) {
    let configs = try specs.map(DeviceSpec.parse)
    let runner = OpScriptRunner(bus: FlashBus(devices: try configs.map { try makeDevice($0, initial: images[$0.name]) }))
    var records: [TraceRecord] = []
    runner.start { records.append($0) }
    let script = try OpScript(text: ops, name: "test.ops")
    for _ in 0..<times { try runner.run(script) { records.append($0) } }
    return (configs, records)
}

/// Replays records (line numbers as in a JSON-lines file: header on line 1).
func replay(_ configs: [DeviceConfig], _ records: [TraceRecord], images: [String: [UInt8]] = [:]) throws -> ReplayReport {
    let engine = try ReplayEngine(configs: configs, images: images)
    for (i, r) in records.enumerated() { try engine.consume(r, line: i + 2) }
    return engine.finish(trace: "test")
}

extension ReplayReport {
    /// Rules that fired, with counts.
    var firedRules: [Rule: Int] {
        var out: [Rule: Int] = [:]
        for rule in Rule.allCases where count(rule) > 0 { out[rule] = count(rule) }
        return out
    }
}
