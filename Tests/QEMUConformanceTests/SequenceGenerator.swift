// Random op sequences for the generated conformance tests: valid command sequences mixed with
// random command bytes, wrong widths, unaligned accesses and interleaved reads, at offsets near
// the addresses where the models decode something (CFI/ID indices, unlock addresses, sector and
// write-buffer boundaries, mirrors). Deterministic: sequence i of seed s is always the same.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough to pick test inputs.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    mutating func byte() -> UInt64 { next() & 0xFF }

    /// An independent stream for sequence `index` of `seed` (so one sequence can be replayed alone).
    static func stream(seed: UInt64, index: Int) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }
}

/// Shared mechanics: offsets near interesting addresses, access sizes, reads.
struct AccessPicker {
    let size: UInt64
    let interesting: [UInt64]
    /// Preferred write/read sizes (the bank width first).
    let sizes: [Int]
    /// Accesses never span a multiple of this (a device or mapping boundary): QEMU 7.2 segfaults
    /// on a qtest read that spans two regions in ROMD mode.
    var boundary: UInt64 = .max

    func offset(_ rng: inout SplitMix64, accessSize: Int) -> UInt64 {
        var o: UInt64
        switch rng.below(10) {
        case 0..<6: o = rng.pick(interesting) &+ UInt64(rng.below(3) * 4)
        case 6..<8: o = UInt64(rng.below(0x100))
        default: o = rng.next() % min(size, 0x100000)
        }
        // Mostly naturally aligned; sometimes not, to exercise the bus's splitting.
        if !rng.chance(12) { o &= ~UInt64(accessSize - 1) }
        return keepInside(o, accessSize)
    }

    /// Moves an access back so it ends inside the device and does not span `boundary`.
    func keepInside(_ offset: UInt64, _ accessSize: Int) -> UInt64 {
        var o = min(offset, size - UInt64(accessSize))
        let within = boundary == .max ? 0 : o % boundary
        if within + UInt64(accessSize) > boundary { o -= within + UInt64(accessSize) - boundary }
        return o
    }

    func accessSize(_ rng: inout SplitMix64) -> Int {
        rng.chance(70) ? sizes[0] : rng.pick([1, 2, 4, 8])
    }

    func reads(_ o: inout Ops, _ rng: inout SplitMix64, count: Int) {
        for _ in 0..<count {
            let s = accessSize(&rng)
            o.r(s, offset(&rng, accessSize: s))
        }
    }

    /// A random value of `size` bytes.
    func value(_ rng: inout SplitMix64, size: Int) -> UInt64 {
        size == 8 ? rng.next() : rng.next() & ((1 << UInt64(8 * size)) - 1)
    }
}

/// CFI01 sequences. `lanes` replicates a command byte over the bank's device lanes.
struct CFI01Generator {
    let base: UInt64
    let width: Int
    let sector: UInt64
    let window: UInt64
    let lanes: (UInt64) -> UInt64
    let picker: AccessPicker

    init(base: UInt64, size: UInt64, width: Int, sector: UInt64, window: UInt64, lanes: @escaping (UInt64) -> UInt64) {
        self.base = base; self.width = width; self.sector = sector; self.window = window; self.lanes = lanes
        let interesting: [UInt64] = [0, 4, 8, 0x10, 0x20, 0x40, 0x44, 0x54, 0x9C, 0xB4, 0xC0, 0x100, 0x140, 0x400,
                                     window - 4, window, 2 * window, sector - 4, sector, sector + 0x40, 2 * sector,
                                     size - 8]
        picker = AccessPicker(size: size, interesting: interesting, sizes: [width == 1 ? 1 : width])
    }

    /// A command write: usually replicated across lanes, sometimes low lane only or with junk above.
    private func command(_ o: inout Ops, _ rng: inout SplitMix64, _ c: UInt64, at offset: UInt64? = nil) {
        let size = rng.chance(80) ? max(width, 1) : rng.pick([1, 2, 4])
        let off = picker.keepInside(offset ?? picker.offset(&rng, accessSize: size), size)
        var v: UInt64
        switch rng.below(10) {
        case 0..<7: v = lanes(c)
        case 7..<9: v = c
        default: v = (rng.next() & ~0xFF) | c
        }
        o.w(size, off, v)
    }

    private static let commands: [UInt64] = [0x00, 0x10, 0x20, 0x40, 0x50, 0x60, 0x70, 0x90, 0x98, 0xE8, 0xF0, 0xFF,
                                             0xD0, 0x01, 0xB0, 0x2F, 0x03]

    func sequence(_ rng: inout SplitMix64) -> [String] {
        var o = Ops(base: base)
        for _ in 0..<(3 + rng.below(8)) {
            switch rng.below(14) {
            case 0, 1:  // word/byte program
                command(&o, &rng, rng.pick([0x10, 0x40]))
                if rng.chance(30) { picker.reads(&o, &rng, count: 1) }
                let s = picker.accessSize(&rng)
                o.w(s, picker.offset(&rng, accessSize: s), picker.value(&rng, size: s))
            case 2:  // block erase with a good or bad confirm
                let at = picker.offset(&rng, accessSize: width)
                command(&o, &rng, 0x20, at: at)
                if rng.chance(30) { picker.reads(&o, &rng, count: 1) }
                command(&o, &rng, rng.chance(70) ? 0xD0 : rng.pick([0xFF, 0x70, rng.byte()]), at: at)
            case 3, 4:  // write to buffer: count, N+1 data writes (sometimes outside the window), confirm
                let at = picker.offset(&rng, accessSize: width)
                command(&o, &rng, 0xE8, at: at)
                if rng.chance(30) { picker.reads(&o, &rng, count: 1) }
                let n = UInt64(rng.below(4))
                o.w(width, at, rng.chance(85) ? lanes(n) : picker.value(&rng, size: width) & 0x0303_0303)
                for i in 0...n {
                    let s = rng.chance(75) ? width : rng.pick([1, 2, 4, 8])
                    let dataAt = rng.chance(85) ? (at &+ i * UInt64(s)) & ~UInt64(s - 1) : picker.offset(&rng, accessSize: s)
                    o.w(s, picker.keepInside(dataAt, s), picker.value(&rng, size: s))
                }
                command(&o, &rng, rng.chance(75) ? 0xD0 : rng.pick([0xFF, 0x70, rng.byte()]), at: at)
            case 5:  // lock setup and its second cycle
                command(&o, &rng, 0x60)
                command(&o, &rng, rng.pick([0x01, 0xD0, 0xFF, 0x2F, rng.byte()]))
            case 6, 7:  // a one-cycle command
                command(&o, &rng, rng.pick([0x70, 0x90, 0x98, 0xFF, 0x50, 0xF0, 0x00]))
            case 8:  // any known byte, or any byte at all
                command(&o, &rng, rng.chance(60) ? rng.pick(CFI01Generator.commands) : rng.byte())
            case 9:  // a plain data write (an unknown command unless a cycle expects data)
                let s = picker.accessSize(&rng)
                o.w(s, picker.offset(&rng, accessSize: s), picker.value(&rng, size: s))
            case 10:  // an 8-byte write = two commands
                o.w(8, picker.offset(&rng, accessSize: 8), lanes(rng.pick(CFI01Generator.commands)) << 32
                        | lanes(rng.pick(CFI01Generator.commands)))
            default:
                break
            }
            picker.reads(&o, &rng, count: rng.below(4))
        }
        return o.lines
    }
}

/// CFI02 sequences for any bus width (unlock addresses 0x555/0x2AA, as on every 7.2 board).
struct CFI02Generator {
    /// Writes through the upper mappings (aliases) of the chip as well as the first one.
    static let writesToAliases = true

    let base: UInt64
    let L: CFI02Layout
    let picker: AccessPicker

    init(base: UInt64, layout L: CFI02Layout) {
        self.base = base; self.L = L
        var interesting: [UInt64] = [0x0, 0x1, 0x2, 0x3, 0xE, 0xF, 0x10, 0x11, 0x12, 0x27, 0x2C, 0x40, 0x46, 0x4C, 0x4D,
                                     0x80].map(L.word)
        interesting += [0x100, L.a1, L.a0, L.sector, 2 * L.sector - UInt64(L.width), 2 * L.sector, L.chip - 8]
        picker = AccessPicker(size: L.chip * L.mappings, interesting: interesting, sizes: [L.width], boundary: L.chip)
    }

    /// A write address: unlock/CFI addresses (also with high bits set or in another mapping), or random.
    private func address(_ rng: inout SplitMix64, size: Int) -> UInt64 {
        var a: UInt64
        switch rng.below(10) {
        case 0..<3: a = rng.pick([L.a0, L.a1])
        case 3: a = L.word(rng.pick([0x55, 0x855, 0x5555, 0x2AAA, 0x554, 0x2AB, 0x556]))
        case 4: a = UInt64(rng.below(Int(L.chip / L.sector))) * L.sector
        default: a = picker.offset(&rng, accessSize: size) % L.chip
        }
        if CFI02Generator.writesToAliases && rng.chance(15) { a += UInt64(rng.below(Int(L.mappings))) * L.chip }
        if !rng.chance(10) { a &= ~UInt64(size - 1) }
        return picker.keepInside(a, size)
    }

    /// A write of the bus width mostly, sometimes narrower or wider.
    private func write(_ o: inout Ops, _ rng: inout SplitMix64, _ value: UInt64, at: UInt64? = nil) {
        let size = rng.chance(85) ? L.width : rng.pick([1, 2, 4])
        o.w(size, at ?? address(&rng, size: size), value)
    }

    private func unlock(_ o: inout Ops, _ rng: inout SplitMix64) {
        if rng.chance(90) { o.w(L.width, L.a0, 0xAA) } else { write(&o, &rng, rng.pick([0xAA, rng.byte()])) }
        if rng.chance(90) { o.w(L.width, L.a1, 0x55) } else { write(&o, &rng, rng.pick([0x55, rng.byte()])) }
    }

    func sequence(_ rng: inout SplitMix64) -> [String] {
        var o = Ops(base: base)
        let W = L.width
        for _ in 0..<(3 + rng.below(8)) {
            switch rng.below(16) {
            case 0, 1:  // autoselect, maybe CFI from it, and its exit
                unlock(&o, &rng); o.w(W, L.a0, 0x90)
                picker.reads(&o, &rng, count: 1 + rng.below(4))
                if rng.chance(30) { o.w(W, L.cfi, 0x98); picker.reads(&o, &rng, count: 2) }
                write(&o, &rng, rng.chance(70) ? 0xF0 : rng.pick([0x00, 0x98, rng.byte()]))
            case 2, 3:  // program
                unlock(&o, &rng); o.w(W, L.a0, 0xA0)
                if rng.chance(30) { picker.reads(&o, &rng, count: 1) }
                let s = rng.chance(80) ? W : rng.pick([1, 2, 4, 8])
                o.w(s, picker.offset(&rng, accessSize: s) % L.chip, picker.value(&rng, size: s))
            case 4:  // sector erase (rarely chip erase: it leaves the device busy until a reset)
                unlock(&o, &rng); o.w(W, L.a0, 0x80); unlock(&o, &rng)
                if rng.chance(4) {
                    o.w(W, L.a0, 0x10)
                } else {
                    let at = (rng.next() % L.chip) & ~UInt64(W - 1)
                    o.w(W, at, rng.chance(85) ? 0x30 : rng.byte())
                }
                picker.reads(&o, &rng, count: 1 + rng.below(3))
                if rng.chance(40) { write(&o, &rng, rng.pick([0x30, 0xB0, 0xF0, rng.byte()])) }
            case 5:  // CFI query from read mode
                write(&o, &rng, 0x98, at: L.word(rng.pick([0x55, 0x855, 0x55, 0x7D55])))
                picker.reads(&o, &rng, count: 1 + rng.below(4))
            case 6:  // unlock bypass and what follows
                unlock(&o, &rng); o.w(W, L.a0, 0x20)
                for _ in 0..<(1 + rng.below(3)) {
                    write(&o, &rng, rng.pick([0xA0, 0x90, 0x80, 0x00, 0x20, rng.byte()]))
                    if rng.chance(60) { write(&o, &rng, rng.chance(50) ? rng.byte() : rng.next() & 0xFFFF) }
                    picker.reads(&o, &rng, count: rng.below(2))
                }
            case 7:  // suspend / resume / reset bytes
                write(&o, &rng, rng.pick([0xB0, 0x30, 0xF0, 0x00]))
            case 8:  // a partial or wrong unlock, then any byte
                unlock(&o, &rng)
                write(&o, &rng, rng.byte())
            case 9, 10:  // any byte anywhere
                write(&o, &rng, rng.chance(70) ? rng.byte() : rng.next() & 0xFFFF)
            case 11:  // a burst of reads, around the lazy-ROMD limit of 42
                picker.reads(&o, &rng, count: 20 + rng.below(30))
            case 12:  // an 8-byte write
                o.w(8, address(&rng, size: 8), rng.pick([0xAA, 0x55, 0xF0, 0x98, 0x90]) << 32 | rng.pick([0xAA, 0x55, 0xF0, 0x98, rng.byte()]))
            default:
                break
            }
            picker.reads(&o, &rng, count: rng.below(4))
        }
        return o.lines
    }
}
