import FlashAnalysis
import FlashModel
import FlashVariables

// UEFI variable stores (issue 15): a device of up to 64 MiB, whole backing, holding a store FV
// at any 4 KiB-aligned offset (a real OVMF/ArmVirt layout: FV header, authenticated or plain
// store, FTW working block and spare, a few variables), then writes and erases anywhere in the
// device, biased to the FV and to its headers: variable headers with sizes and states from the
// input, FV and store headers written again, blocks erased and rewritten. The changes go to
// DeviceVariables as the replay hands them over.
// Oracles: nothing traps; operations come in trace order with adds before deletes of the same
// variable; every finding is placed at an input that happened; the views render as text and JSON.

extension Drivers {
    public static func varStore(_ data: UnsafeBufferPointer<UInt8>) {
        var s = ByteStream(Array(data))
        let size = s.pick([0x40000, 0x84000, 0x100000, 64 << 20])
        var storage = Storage(count: size, bigEndian: false)
        let authenticated = s.u8() & 1 == 0
        let blocks = size / 0x1000
        let fv = s.u8() < 128 ? 0 : Int(s.u32()) % blocks * 0x1000
        let fvLength = min(size - fv, s.pick([0x20000, 0x84000, 0xC0000, Int(s.u32())]))
        if fvLength > 0x200 {
            storage.replace(fv, with: storeImage(&s, fvLength: fvLength, authenticated: authenticated)[...])
        }
        let watcher = DeviceVariables(device: "f", storage: storage, imageKnown: s.u8() & 1 == 0)
        var seq: UInt64 = 0
        while !s.isEmpty && seq < UInt64(maxItemsPerInput) {
            seq += 1
            // Where: inside the FV most of the time, its first bytes often, anywhere otherwise.
            let at: Int
            switch s.u8() % 4 {
            case 0: at = Int(s.u32()) % size
            case 1: at = fv + Int(s.u16()) % 0x200
            default: at = fv + Int(s.u32()) % max(1, min(fvLength, size - fv))
            }
            var effect: ArrayEffect
            switch s.u8() % 8 {
            case 0:
                let len = [0x1000, 0x40000, size][Int(s.u8()) % 3]
                let start = at / len * len
                storage.fill(UInt64(start), UInt64(len))
                effect = .erased(ByteRange(start: UInt64(start), end: UInt64(min(size, start + len))))
            case 1:
                var h = variableHeader(&s, authenticated: authenticated)
                h = Array(h.prefix(size - at))
                storage.replace(at, with: h[...])
                effect = .stored(ByteRange(start: UInt64(at), end: UInt64(at + h.count)))
            default:
                let n = min(size - at, 1 + Int(s.u8()) % 64)
                let bytes = (0..<n).map { _ in s.u8() }
                storage.replace(at, with: bytes[...])
                effect = .stored(ByteRange(start: UInt64(at), end: UInt64(at + n)))
            }
            watcher.changed([effect], storage: storage, at: TracePlace(seq: seq, line: Int(seq) + 1))
        }
        let views = watcher.finish()
        for f in watcher.takeFindings() {
            expect(f.at.seq >= 1 && f.at.seq <= seq, "a finding at seq \(f.at.seq), after \(seq) inputs")
        }
        for v in views {
            for variable in v.variables {
                var last: UInt64 = 0
                for (i, op) in variable.history.enumerated() {
                    if let at = op.at {
                        expect(at.seq >= last && at.seq <= seq, "\(variable.name): operations out of order")
                        last = at.seq
                    }
                    if op.kind == .delete { expect(i > 0 && variable.history[i - 1].kind != .delete, "\(variable.name): delete of a variable that was not live") }
                }
            }
            _ = v.text(maxRows: 50)
            _ = v.json.serialized
        }
    }

    /// An FV header, a store header, an FTW working block in the middle and a few variables.
    private static func storeImage(_ s: inout ByteStream, fvLength: Int, authenticated: Bool) -> [UInt8] {
        var img = [UInt8](repeating: 0xFF, count: min(fvLength, 0x84000))
        func put(_ o: Int, _ b: [UInt8]) { if o + b.count <= img.count { img.replaceSubrange(o..<o + b.count, with: b) } }
        put(0, [UInt8](repeating: 0, count: 0x10))
        put(0x10, KnownGUID.systemNvDataFV.bytes)
        put(0x20, le(UInt64(fvLength), 8))
        put(0x28, Array("_FVH".utf8))
        put(0x30, le(0x48, 2))
        let storeSize = min(fvLength / 2, Int(s.u32() % 0x80000) + 0x100) - 0x48
        put(0x48, (authenticated ? KnownGUID.authenticatedVariableStore : KnownGUID.variableStore).bytes)
        put(0x58, le(UInt64(storeSize), 4) + [0x5A, 0xFE, 0, 0, 0, 0, 0, 0])
        let working = (0x48 + storeSize + 0xFFF) / 0x1000 * 0x1000
        put(working, KnownGUID.ftwWorkingBlock.bytes + [0, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF] + le(UInt64(s.u16()), 8))
        var o = 0x64
        for _ in 0..<Int(s.u8() % 6) {
            let h = variableHeader(&s, authenticated: authenticated)
            put(o, h)
            o = (o + h.count + 3) & ~3
        }
        return img
    }

    /// A variable: mostly well-formed (state from EDK2's, short name, data), sizes from the input sometimes.
    private static func variableHeader(_ s: inout ByteStream, authenticated: Bool) -> [UInt8] {
        let state = s.pick([0x3F, 0x3E, 0x3C, 0x3D, 0x7F, 0xFF, s.u8()])
        let name: [UInt8] = [UInt8(0x41 + s.u8() % 4), 0, 0, 0]
        let data = (0..<Int(s.u8() % 8)).map { _ in s.u8() }
        var h: [UInt8] = le(0x55AA, 2) + [state, 0] + le(UInt64(s.u8() & 0x7F), 4)
        if authenticated { h += [UInt8](repeating: 0, count: 28) }
        let wild = s.u8() < 16
        h += wild ? le(UInt64(s.u32()), 4) : le(UInt64(name.count), 4)
        h += wild ? le(UInt64(s.u32()), 4) : le(UInt64(data.count), 4)
        h += [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, s.u8() % 2]
        return h + name + data
    }

    private static func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> UInt64(8 * $0)) } }
}
