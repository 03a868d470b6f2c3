import FlashModel

// The model fed arbitrary access sequences: a DeviceConfig derived from the first bytes (any
// combination DeviceConfig.validate accepts, plus many it must reject), then reads, writes,
// clock steps, timer firings, resets and clock jumps on the bus. Nothing may trap.

/// Command bytes of both command sets and their unlock data, so random inputs reach deep states.
private let commandBytes: [UInt64] = [0x00, 0x01, 0x10, 0x20, 0x28, 0x30, 0x40, 0x50, 0x55, 0x60, 0x70,
                                      0x80, 0x90, 0x98, 0xA0, 0xAA, 0xB0, 0xD0, 0xE8, 0xF0, 0xFF, 0x1F]

extension Drivers {
    public static func model(_ data: UnsafeBufferPointer<UInt8>) {
        var s = ByteStream(Array(data))
        let count = 1 + Int(s.u8() % 2)
        var configs: [DeviceConfig] = []
        for i in 0..<count {
            var c = deviceConfig(&s, index: i)
            c.addr = i == 0 ? s.pick([0, 0x4000_0000, UInt64.max - 0xFFFF, s.u64()])
                            : configs[0].addr &+ configs[0].regionSize  // adjacent, as on virt
            guard (try? c.validate()) != nil else { return }
            guard smallEnough(c) else { return }
            configs.append(c)
        }
        guard let devices = try? configs.map({ try makeDevice($0) }) else {
            fatalError("validate accepted a configuration the model refuses: \(configs)")
        }
        let bus = FlashBus(devices: devices)
        bus.systemReset()
        var ops = 0
        while !s.isEmpty && ops < maxItemsPerInput {
            ops += 1
            step(bus, configs, &s)
            for e in bus.output { expect(e.device < devices.count, "event of an unknown device") }
            bus.output.removeAll(keepingCapacity: true)
        }
    }

    private static func step(_ bus: FlashBus, _ configs: [DeviceConfig], _ s: inout ByteStream) {
        let op = s.u8()
        let d = Int(s.u8()) % configs.count
        switch op % 8 {
        case 0, 1, 2:
            let addr = address(configs[d], &s)
            let size = s.pick([1, 2, 4, 8, 1, 2, 4, 3])
            let value = s.u8() < 160 ? s.pick(commandBytes) * 0x0001_0001 : s.u64()
            do { try bus.write(addr, size: size, value: value) } catch {}
        case 3, 4:
            let addr = address(configs[d], &s)
            _ = try? bus.read(addr, size: s.pick([1, 2, 4, 8, 1, 2, 4, 0]))
        case 5:
            let before = bus.now
            let ns: UInt64? = s.pick([nil, 1, 50_000, 512_000, 4_096_000_000, UInt64(s.u32()), s.u64()])
            let advanced = bus.step(ns)
            expect(bus.now >= before && bus.now - before == advanced, "step went backwards or misreported")
        case 6:
            bus.fireTimer(device: d, at: s.u8() < 128 ? nil : s.u64())
        default:
            if s.u8() < 128 { bus.systemReset() } else { bus.setClock(s.u64()) }
        }
    }

    /// Mostly addresses that matter to the command sets, sometimes anywhere (unmapped included).
    private static func address(_ c: DeviceConfig, _ s: inout ByteStream) -> UInt64 {
        let shift: UInt64 = c.width == 4 ? 2 : c.width == 2 ? 1 : 0
        let offset: UInt64
        switch s.u8() % 8 {
        case 0: offset = UInt64(s.u8())
        case 1: offset = UInt64(s.pick([0x555, 0x2AA, 0x55, 0x5555, 0x2AAA, 0x855])) << shift
        case 2: offset = c.backing &- UInt64(s.u8() % 8)
        case 3: offset = c.chipLength &- UInt64(s.u8() % 8)
        case 4: offset = c.regionSize &- UInt64(s.u8() % 8) &+ 4
        case 5: return s.u64()
        default: offset = UInt64(s.u32()) % max(c.regionSize, 1)
        }
        return c.addr &+ offset
    }

    /// A configuration from the input: mostly plausible geometry, every property reachable.
    static func deviceConfig(_ s: inout ByteStream, index: Int) -> DeviceConfig {
        let flags = s.u8()
        var c = DeviceConfig(type: flags & 1 == 0 ? .cfi01 : .cfi02, name: "f\(index)")
        c.readonly = flags & 2 != 0
        c.bigEndian = flags & 4 != 0
        c.ids = [s.u16(), s.u16(), s.u16(), s.u16()]
        c.width = s.pick([1, 2, 4, 1, 2, 4, 0, 3, 8, s.u8()])
        c.numBlocks = count(&s)
        c.sectorLength = length(&s)
        switch c.type {
        case .cfi01:
            c.oldMultipleChipHandling = flags & 8 != 0
            c.deviceWidth = s.pick([0, 1, 2, 4, 0, 3, s.u8()])
            c.maxDeviceWidth = s.pick([0, 1, 2, 4, 0, 8, s.u8()])
        case .cfi02:
            c.mappings = s.pick([0, 1, 2, 4, s.u8()])
            c.unlockAddr0 = s.pick([0x555, 0x5555, 0xAAA, s.u16()])
            c.unlockAddr1 = s.pick([0x2AA, 0x2AAA, 0x554, s.u16()])
            for r in 0..<Int(s.u8() % 5) {
                c.regionBlocks[r] = count(&s)
                c.regionSectorLength[r] = length(&s)
            }
            if flags & 8 != 0 { c.numBlocks = 0; c.sectorLength = 0 }
        }
        switch s.u8() % 4 {
        case 0: c.backingSize = UInt64(s.u16()) * 4 + 4
        case 1: c.backingSize = s.u64()
        case 2: c.backingSize = UInt64(s.u8()) * 1024
        default: c.backingSize = nil
        }
        return c
    }

    private static func count(_ s: inout ByteStream) -> UInt64 {
        let k = s.u8()
        return k < 200 ? UInt64(k % 16) + 1 : k < 250 ? UInt64(s.u16()) : UInt64(s.u32())
    }

    private static func length(_ s: inout ByteStream) -> UInt64 {
        let k = s.u8()
        return k < 240 ? UInt64(1) << UInt64(k % 33) : UInt64(s.u32())
    }
}
