import FlashModel

// The on-flash structures of an EDK2 variable store, as the PI specification (volume 3, firmware
// volume header) and MdeModulePkg's public VariableFormat.h and FaultTolerantWrite.h lay them
// out. Everything is read through bounds-checked accessors: the bytes come from a trace.

/// Little-endian reads of a device's contents; nil outside the storage.
struct Contents {
    let storage: Storage

    func u8(_ o: Int) -> UInt8? { storage.byte(at: o) }
    func u16(_ o: Int) -> UInt16? { le(o, 2).map { UInt16(truncatingIfNeeded: $0) } }
    func u32(_ o: Int) -> UInt32? { le(o, 4).map { UInt32(truncatingIfNeeded: $0) } }
    func u64(_ o: Int) -> UInt64? { le(o, 8) }
    func bytes(_ o: Int, _ n: Int) -> [UInt8]? { storage.bytes(at: o, count: n) }
    func guid(_ o: Int) -> GUID? { bytes(o, 16).map(GUID.init(bytes:)) }

    /// Byte by byte, no array: discovery looks at a header on every write to the first bytes of
    /// a block, also in traces that hold no store.
    private func le(_ o: Int, _ n: Int) -> UInt64? {
        guard o >= 0, o <= storage.count - n else { return nil }
        var v: UInt64 = 0
        for i in 0..<n { v |= UInt64(storage.byte(at: o + i)!) << UInt64(8 * i) }
        return v
    }
}

/// EFI_FIRMWARE_VOLUME_HEADER: the fields that locate what follows it.
struct FVHeader {
    static let signatureOffset = 0x28
    /// "_FVH", little-endian.
    static let signature: UInt32 = 0x4856_465F
    /// Bytes of a header that a write must touch for the header (and the store header after it)
    /// to change: where discovery looks again.
    static let watchedBytes = 0x100

    var length: UInt64
    var headerLength: Int

    /// Whether the signature is at `o`: the cheap first test.
    static func isSigned(_ c: Contents, at o: Int) -> Bool {
        c.u8(o + signatureOffset) == 0x5F && c.u32(o + signatureOffset) == signature
    }

    init?(_ c: Contents, at o: Int) {
        guard Self.isSigned(c, at: o),
              let len = c.u64(o + 0x20), let hl = c.u16(o + 0x30),
              hl >= 0x48, len > UInt64(hl) else { return nil }
        length = len
        headerLength = Int(hl)
    }
}

/// VARIABLE_STORE_HEADER: signature GUID, size (from the header's start), format, state.
struct StoreHeader {
    static let size = 28
    static let formatted: UInt8 = 0x5A
    var authenticated: Bool
    var storeSize: UInt32

    init?(_ c: Contents, at o: Int) {
        guard let sig = c.guid(o), let size = c.u32(o + 16), c.u8(o + 20) == Self.formatted,
              size > UInt32(Self.size) else { return nil }
        if sig == KnownGUID.authenticatedVariableStore { authenticated = true }
        else if sig == KnownGUID.variableStore { authenticated = false }
        else { return nil }
        storeSize = size
    }
}

/// EFI_FAULT_TOLERANT_WORKING_BLOCK_HEADER: signature, CRC, valid bits, WriteQueueSize. The
/// working space is the header and the queue; the spare block follows it (where EDK2's FV
/// layouts for OVMF and ArmVirtQemu put it).
struct WorkingBlockHeader {
    static let size = 32
    var queueSize: UInt64

    init?(_ c: Contents, at o: Int) {
        guard let sig = c.guid(o), sig == KnownGUID.ftwWorkingBlock || sig == KnownGUID.systemNvDataFV,
              let q = c.u64(o + 24), q < 1 << 32 else { return nil }
        queueSize = q
    }
}

/// Variable state bits (VariableFormat.h): each step of a variable's life clears bits, so a
/// store can be updated by programs alone.
enum VariableState {
    static let headerValidOnly: UInt8 = 0x7F
    static let added: UInt8 = 0x3F
    static let inDeletedTransition: UInt8 = 0xFE
    static let deleted: UInt8 = 0xFD
    static let startId: UInt16 = 0x55AA

    /// A copy EDK2 takes as the variable's value: added, or added and in deleted transition
    /// (an update whose new copy is not complete yet keeps the old one).
    static func isLive(_ s: UInt8) -> Bool { s == added || s == added & inDeletedTransition }
}

/// One variable header in a store, with its name and data once its state says they are written.
struct VariableRecord: Equatable {
    /// Storage offset of the header, of the byte after the data, of the next header (4-aligned).
    var offset: Int
    var dataEnd: Int
    var end: Int
    var state: UInt8
    var attributes: UInt32
    var guid: GUID
    var nameSize: Int
    var dataSize: Int
    var headerSize: Int

    /// Header sizes: VARIABLE_HEADER and AUTHENTICATED_VARIABLE_HEADER.
    static func headerSize(authenticated: Bool) -> Int { authenticated ? 60 : 32 }

    /// The record at `o` if its header is there and it fits below `limit`; nil at the end of the
    /// used part of the store (no start id) or where a header is still being written (sizes
    /// that run past the store: programs fill a header from its first byte on).
    init?(_ c: Contents, at o: Int, limit: Int, authenticated: Bool) {
        let hs = Self.headerSize(authenticated: authenticated)
        guard o >= 0, o <= limit - hs, c.u16(o) == VariableState.startId, let st = c.u8(o + 2),
              let attr = c.u32(o + 4) else { return nil }
        let sizes = authenticated ? o + 36 : o + 8
        guard let ns = c.u32(sizes), let ds = c.u32(sizes + 4), let g = c.guid(sizes + 8) else { return nil }
        let (nameEnd, o1) = (o + hs).addingReportingOverflow(Int(ns))
        let (dEnd, o2) = nameEnd.addingReportingOverflow(Int(ds))
        guard !o1, !o2, dEnd <= limit else { return nil }
        offset = o
        dataEnd = dEnd
        end = min(limit, (dEnd + 3) & ~3)
        state = st
        attributes = attr
        guid = g
        nameSize = Int(ns)
        dataSize = Int(ds)
        headerSize = hs
    }

    var nameOffset: Int { offset + headerSize }
    var dataOffset: Int { offset + headerSize + nameSize }

    /// The name: UCS-2 up to its terminating NUL.
    func name(_ c: Contents) -> String {
        guard let raw = c.bytes(nameOffset, nameSize) else { return "" }
        var units: [UInt16] = []
        var i = 0
        while i + 1 < raw.count {
            let u = UInt16(raw[i]) | UInt16(raw[i + 1]) << 8
            if u == 0 { break }
            units.append(u)
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    func data(_ c: Contents) -> [UInt8] { c.bytes(dataOffset, dataSize) ?? [] }
}
