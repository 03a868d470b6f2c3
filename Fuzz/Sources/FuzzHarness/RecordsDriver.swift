import FlashAnalysis
import FlashEvents
import FlashModel
import FlashTraceIO

// Structured records straight into the replay engine (issue 14): the devices real traces have,
// with their whole region backed (64 MiB virt flash, x86 vars, the musicpal CFI02 with four
// mappings) or a geometry from the input, and records of every kind whose offsets, sizes, values
// and timestamps reach anywhere in u64, biased toward the region so the state machines are
// reached too. Text parsers are not in the way: this is what every reader hands the engine.
// Oracles: the engine throws nothing but ReplayError, and that only for an access beyond a
// region the trace declares or an unknown device; the reports render.

private let commands: [UInt64] = [0x00, 0x01, 0x10, 0x20, 0x28, 0x30, 0x40, 0x50, 0x55, 0x60, 0x70,
                                  0x80, 0x90, 0x98, 0xA0, 0xAA, 0xB0, 0xD0, 0xE8, 0xF0, 0xFF, 0x1F]

extension Drivers {
    public static func records(_ data: UnsafeBufferPointer<UInt8>) {
        var s = ByteStream(Array(data))
        var configs: [DeviceConfig] = []
        for i in 0..<(1 + Int(s.u8() % 2)) {
            var c: DeviceConfig
            switch s.u8() % 5 {
            case 0, 1: c = Board.virt.devices()[i % 2]
            case 2: c = Board.q35.devices()[1]
            case 3: c = Board.musicpal.devices()[0]
            default:
                c = deviceConfig(&s, index: i)
                guard (try? c.validate()) != nil, c.backing <= 64 << 20 else { return }
            }
            c.name = "f\(i)"
            c.readonly = s.u8() & 1 == 1
            if s.u8() < 32 { c.backingSize = min(c.chipLength, UInt64(s.u32())) }  // sometimes a smaller image
            guard (try? c.validate()) != nil else { return }
            configs.append(c)
        }
        var options = ReplayOptions()
        let flags = s.u8()
        for (i, c) in configs.enumerated() where flags >> i & 1 == 1 { options.beyondRegionIsFinding.insert(c.name) }
        if flags & 4 != 0 { options.assumptions = [DeviceAssumption(device: "f0", fact: "readonly=on", basis: "fuzz", fix: "--device f0,readonly=off")] }
        var images: [String: [UInt8]] = [:]
        if flags & 8 != 0 { images["f0"] = [UInt8](repeating: s.u8(), count: Int(s.u16())) }
        guard let engine = try? ReplayEngine(configs: configs, images: images, options: options) else {
            fatalError("a configuration that validates did not build: \(configs)")
        }
        let collector = flags & 16 != 0 ? ActivityCollector(configs: configs) : nil
        engine.observer = collector
        var seq: UInt64 = 0, ts: UInt64 = 0, line = 0
        while !s.isEmpty && line < maxItemsPerInput {
            line += 1
            if s.u8() == 0xFF {
                engine.gap(count: s.u64(), from: s.u8() < 128 ? nil : s.u64(), to: s.u8() < 128 ? nil : s.u64(), line: line)
                continue
            }
            let d = Int(s.u8()) % (configs.count + 1)
            let name = d < configs.count ? configs[d].name : "unknown"
            let region = configs[min(d, configs.count - 1)].regionSize
            let kind = s.u8() < 160 ? s.pick([EventKind.ioWrite, .ioRead, .ioWrite, .ioRead, .outerWrite, .outerRead])
                                    : s.pick(EventKind.allCases)
            var e = FlashEvent(kind)
            e[argument: 0] = offset(&s, region: region)
            e[argument: 1] = s.pick([1, 2, 4, 4, 0, 3, 8, s.u64(), .max])
            e[argument: 2] = s.u8() < 160 ? s.pick(commands) * s.pick([1, 0x0001_0001, 0x0101_0101]) : s.u64()
            e[argument: 3] = s.u8() < 200 ? UInt64(s.u8() % 4) : s.u64()
            e[argument: 4] = s.u8() < 200 ? UInt64(s.u8() % 4) : s.u64()
            if s.u8() < 64 { ts = s.u8() < 128 ? ts &+ UInt64(s.u32()) : s.u64() }
            seq &+= 1
            do {
                try engine.consume(TraceRecord(seq: seq, ts: s.u8() < 32 ? nil : ts, device: name, event: e), line: line)
            } catch let error as ReplayError {
                let declared = d < configs.count && !options.beyondRegionIsFinding.contains(name)
                expect(d == configs.count || (declared && kind.isFuzzAccess), "unexpected ReplayError: \(error)")
            } catch {
                fatalError("replay threw \(error)")
            }
        }
        let report = engine.finish(trace: "fuzz", truncatedLine: flags & 32 != 0 ? line + 1 : nil)
        _ = report.text()
        _ = report.json.serialized
        _ = collector?.result()
    }

    /// In the region mostly (where the state machines are), at its edges, or anywhere in u64.
    private static func offset(_ s: inout ByteStream, region: UInt64) -> UInt64 {
        switch s.u8() % 8 {
        case 0, 1, 2, 3: return UInt64(s.u32()) % region
        case 4: return region &- UInt64(s.u8() % 8)
        case 5: return UInt64(s.u16()) * 4
        case 6: return .max &- UInt64(s.u8())
        default: return s.u64()
        }
    }
}

extension EventKind {
    var isFuzzAccess: Bool { self == .ioWrite || self == .ioRead || self == .outerWrite || self == .outerRead }
}
