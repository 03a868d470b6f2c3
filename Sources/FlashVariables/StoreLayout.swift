import FlashModel

// Where a variable store lies in a device: the firmware volume, the store inside it, and the
// fault-tolerant-write working space and spare block that EDK2's FV layouts (OVMF's
// VarStore.fdf.inc, ArmVirtQemu's flash layout) place after the store inside the same FV.

public struct StoreLayout: Equatable, Sendable {
    /// Storage offsets (the chip's offsets, which are the device's for the pflash boards).
    public var fvOffset: Int
    public var fvLength: Int
    public var storeOffset: Int
    public var storeSize: Int
    public var authenticated: Bool
    /// FTW working space (header and write queue), when its header is found.
    public var working: Range<Int>?
    /// FTW spare block: from the end of the working space to the end of the FV.
    public var spare: Range<Int>?

    public var fvEnd: Int { fvOffset + fvLength }
    public var storeEnd: Int { storeOffset + storeSize }
    /// The first variable header (HEADER_ALIGN of the end of the store header).
    var firstRecord: Int { (storeOffset + StoreHeader.size + 3) & ~3 }

    /// Alignment at which firmware volumes are looked for: the smallest block size firmware
    /// uses for variable FVs (OVMF's 4 KiB; ArmVirtQemu's 256 KiB blocks are multiples of it).
    static let alignment = 0x1000

    /// The store whose FV header is at `fv`, nil when there is none (or it does not fit the storage).
    static func find(_ c: Contents, at fv: Int) -> StoreLayout? {
        guard let h = FVHeader(c, at: fv) else { return nil }
        let limit = UInt64(c.storage.count - fv)
        let fvLength = Int(min(h.length, limit))
        let so = fv + h.headerLength
        guard let s = StoreHeader(c, at: so), Int(s.storeSize) <= fv + fvLength - so else { return nil }
        var layout = StoreLayout(fvOffset: fv, fvLength: fvLength, storeOffset: so, storeSize: Int(s.storeSize),
                                 authenticated: s.authenticated)
        layout.findWorkingBlock(c)
        return layout
    }

    /// The working block is at the first aligned offset after the store that holds its header.
    mutating func findWorkingBlock(_ c: Contents) {
        working = nil
        spare = nil
        var o = (storeEnd + Self.alignment - 1) / Self.alignment * Self.alignment
        while o + WorkingBlockHeader.size <= fvEnd {
            if let w = WorkingBlockHeader(c, at: o) {
                // The spare must be able to take the working space: a header with no room for
                // one after it is a copy in the spare block (FTW initialising the working block
                // through the spare), not the working block.
                let end = o + WorkingBlockHeader.size + Int(w.queueSize)
                let spareStart = (end + Self.alignment - 1) / Self.alignment * Self.alignment
                if end <= fvEnd && fvEnd - spareStart >= end - o {
                    working = o..<end
                    spare = spareStart..<fvEnd
                    return
                }
            }
            o += Self.alignment
        }
    }

    /// The first part of a range outside the store (with the FV header), the working space and
    /// the spare block; nil when the range lies inside their union.
    func outside(_ r: Range<Int>) -> Range<Int>? {
        // Most writes land in the store itself.
        if r.lowerBound >= fvOffset && r.upperBound <= storeEnd { return nil }
        // Until the working block's header is written (a first boot), all of the FV after the
        // store is taken as FTW space: EDK2's layouts put nothing else there.
        let ftw = working == nil ? [storeEnd..<fvEnd] : [working, spare].compactMap { $0 }
        let areas = ([fvOffset..<storeEnd] + ftw).sorted { $0.lowerBound < $1.lowerBound }
        var at = r.lowerBound
        for a in areas where a.upperBound > at {
            if a.lowerBound > at { return at..<min(a.lowerBound, r.upperBound) }
            at = a.upperBound
            if at >= r.upperBound { return nil }
        }
        return at < r.upperBound ? at..<r.upperBound : nil
    }
}
