import FlashModel
import FlashEvents
import FlashTraceIO

// Op scripts and `--device` specs: the parsers, then (when the devices are valid and small enough
// to build quickly) the script run on the model, as `flashtrace record` would.

/// Devices larger than this are validated but not built: allocation is what limits the
/// fuzzer's speed, not coverage (the model's code does not depend on the size).
let maxFuzzBacking: UInt64 = 1 << 20
let maxFuzzSectors: UInt64 = 1 << 16

func smallEnough(_ c: DeviceConfig) -> Bool {
    let sectors = c.eraseRegions.reduce(UInt64(0)) { $0 &+ $1.count }
    return c.backing <= maxFuzzBacking && (c.type == .cfi01 || sectors <= maxFuzzSectors)
}

extension Drivers {
    /// Op-script text (any bytes, decoded as `record --ops` decodes them), its `# device:` lines,
    /// and the script run on the bus.
    public static func opScript(_ data: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: data, as: UTF8.self)
        guard let script = try? OpScript(text: text, name: "fuzz.ops") else { return }
        var configs: [DeviceConfig] = []
        for spec in script.deviceSpecs {
            guard let c = try? DeviceSpec.parse(spec), (try? c.validate()) != nil, smallEnough(c) else { return }
            configs.append(c)
        }
        guard !configs.isEmpty, configs.count <= 4,
              let devices = try? configs.map({ try makeDevice($0) }) else { return }
        let runner = OpScriptRunner(bus: FlashBus(devices: devices))
        var next: UInt64 = 0
        func sink(_ r: TraceRecord) {
            expect(r.seq == next, "runner seq must count from 0 without gaps")
            next += 1
        }
        runner.start(sink: sink)
        var limited = script
        limited.ops = Array(limited.ops.prefix(maxItemsPerInput))
        do { try runner.run(limited, sink: sink) } catch is RunError {} catch {
            fatalError("the runner threw \(error)")
        }
    }

    /// One `--device` spec per line: parse, validate, render, parse again (must be equal).
    public static func deviceSpec(_ data: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n").prefix(64) {
            guard let c = try? DeviceSpec.parse(String(line)) else { continue }
            let valid = (try? c.validate()) != nil
            let rendered = DeviceSpec.render(c)
            guard let again = try? DeviceSpec.parse(rendered) else {
                fatalError("rendered spec does not parse: \(rendered)")
            }
            var expected = c
            expected.imageSHA256 = nil
            expect(again == expected, "spec changed in the round trip: \(line) -> \(rendered)")
            if valid {
                expect(c.chipLength > 0 && c.regionSize >= c.chipLength && c.backing <= c.chipLength,
                       "validate accepted an impossible geometry: \(rendered)")
                if smallEnough(c) { _ = try? makeDevice(c) }
                // The header form of a valid device must read back as the same device.
                let header = TraceHeader.make([c])
                guard let back = try? header.configs() else { fatalError("header of a valid device is rejected: \(rendered)") }
                var normalized = c
                normalized.backingSize = c.backing  // the header always states the backing size
                expect(back == [normalized], "device changed through the trace header: \(rendered)")
            }
        }
    }
}
