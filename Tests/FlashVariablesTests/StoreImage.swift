import FlashModel
@testable import FlashVariables

/// A device's contents with an OVMF-2M-shaped variable FV (4 KiB blocks): FV header at 0, an
/// authenticated store to 0xe000, the FTW working block at 0xf000 and the spare at
/// 0x10000–0x20000. Writes go through `program` and `erase`, which hand the watcher the array
/// changes the model would report, each as one input with its own seq.
struct StoreImage {
    static let size = 0x40000
    static let fvLength = 0x20000
    static let storeOffset = 0x48
    static let storeEnd = 0xe000
    static let guid = GUID("3b1c2a4d-1111-4a5b-8c9d-0123456789ab")!

    var storage = Storage(count: size, bigEndian: false)
    var watcher: DeviceVariables!
    var seq: UInt64 = 0

    /// The FV, store and working block headers, and `vars` added in order.
    static func formatted(_ vars: [(String, [UInt8])] = []) -> (StoreImage, [Int]) {
        var img = StoreImage()
        var fv = [UInt8](repeating: 0, count: 0x48)
        fv.replaceSubrange(0x10..<0x20, with: KnownGUID.systemNvDataFV.bytes)
        fv.replaceSubrange(0x20..<0x28, with: le(UInt64(fvLength), 8))
        fv.replaceSubrange(0x28..<0x2C, with: Array("_FVH".utf8))
        fv.replaceSubrange(0x30..<0x32, with: le(0x48, 2))
        fv[0x37] = 2
        img.storage.replace(0, with: fv[...])
        var store = KnownGUID.authenticatedVariableStore.bytes + le(UInt64(storeEnd - storeOffset), 4)
        store += [0x5A, 0xFE, 0, 0, 0, 0, 0, 0]
        img.storage.replace(storeOffset, with: store[...])
        let working = KnownGUID.ftwWorkingBlock.bytes + le(0, 4) + [0xFE, 0xFF, 0xFF, 0xFF] + le(0xFE0, 8)
        img.storage.replace(0xF000, with: working[...])
        var offsets: [Int] = []
        var o = firstRecord
        for (name, data) in vars {
            offsets.append(o)
            let r = record(name: name, data: data, state: VariableState.added)
            img.storage.replace(o, with: r[...])
            o = (o + r.count + 3) & ~3
        }
        return (img, offsets)
    }

    static var firstRecord: Int { (storeOffset + 28 + 3) & ~3 }

    static func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> UInt64(8 * $0)) } }

    /// An authenticated variable header, name and data.
    static func record(name: String, data: [UInt8], state: UInt8, attributes: UInt32 = 7) -> [UInt8] {
        var nameBytes: [UInt8] = []
        for u in name.utf16 { nameBytes += le(UInt64(u), 2) }
        nameBytes += [0, 0]
        var h: [UInt8] = le(0x55AA, 2) + [state, 0] + le(UInt64(attributes), 4)
        h += [UInt8](repeating: 0, count: 8 + 16 + 4)  // monotonic count, timestamp, pubkey index
        h += le(UInt64(nameBytes.count), 4)
        h += le(UInt64(data.count), 4)
        h += guid.bytes
        return h + nameBytes + data
    }

    static func extent(name: String, data: [UInt8]) -> Int { (record(name: name, data: data, state: 0).count + 3) & ~3 }

    mutating func start(imageKnown: Bool = true) {
        watcher = DeviceVariables(device: "flash1", storage: storage, imageKnown: imageKnown)
    }

    /// One input programming `bytes` at `o`. Returns its seq.
    @discardableResult
    mutating func program(_ o: Int, _ bytes: [UInt8]) -> UInt64 {
        storage.replace(o, with: bytes[...])
        return input([.stored(ByteRange(start: UInt64(o), end: UInt64(o + bytes.count)))])
    }

    @discardableResult
    mutating func erase(_ o: Int, _ n: Int) -> UInt64 {
        storage.fill(UInt64(o), UInt64(n))
        return input([.erased(ByteRange(start: UInt64(o), end: UInt64(o + n)))])
    }

    mutating func input(_ effects: [ArrayEffect]) -> UInt64 {
        seq += 1
        watcher.changed(effects, storage: storage, at: TracePlace(seq: seq, line: Int(seq) + 1))
        return seq
    }

    /// Adds a variable the way edk2-stable202211 does: header (state 0xFF), state 0x7F, name
    /// and data, state 0x3F. Returns the seq of the last write.
    @discardableResult
    mutating func add(at o: Int, name: String, data: [UInt8]) -> UInt64 {
        let r = Self.record(name: name, data: data, state: 0xFF)
        program(o, Array(r[0..<60]))
        program(o + 2, [VariableState.headerValidOnly])
        program(o + 60, Array(r[60...]))
        return program(o + 2, [VariableState.added])
    }

    @discardableResult
    mutating func setState(_ o: Int, _ state: UInt8) -> UInt64 { program(o + 2, [state]) }

    mutating func finish() -> ([VariableStoreView], [VariableFinding]) {
        let views = watcher.finish()
        return (views, watcher.takeFindings())
    }
}
