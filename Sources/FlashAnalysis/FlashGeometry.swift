import FlashModel

// The erase blocks of a device, in chip order: CFI01's uniform blocks or CFI02's erase regions.
// Maps and per-block counts use the block index; offsets go through `block(containing:)`.

public struct EraseRegion: Sendable, Equatable {
    public var count: UInt64
    public var length: UInt64
}

public struct FlashGeometry: Sendable, Equatable {
    public let regions: [EraseRegion]
    /// First block index of each region (parallel to `regions`).
    private let firstBlock: [Int]
    private let firstOffset: [UInt64]
    public let blockCount: Int
    public let chipLength: UInt64

    public init(_ config: DeviceConfig) {
        let list = config.type == .cfi01
            ? [EraseRegion(count: config.numBlocks, length: config.sectorLength)]
            : config.eraseRegions.map { EraseRegion(count: $0.count, length: $0.length) }
        regions = list
        var blocks: [Int] = [], offsets: [UInt64] = []
        var b = 0, o: UInt64 = 0
        for r in list {
            blocks.append(b); offsets.append(o)
            b += Int(r.count); o += r.count * r.length
        }
        firstBlock = blocks
        firstOffset = offsets
        blockCount = b
        chipLength = o
    }

    /// Index of the block holding `offset` (an offset inside the chip); nil past the chip.
    public func block(containing offset: UInt64) -> Int? {
        for i in regions.indices.reversed() where offset >= firstOffset[i] {
            let k = (offset - firstOffset[i]) / regions[i].length
            return k < regions[i].count ? firstBlock[i] + Int(k) : nil
        }
        return nil
    }

    public func start(ofBlock b: Int) -> UInt64 {
        for i in regions.indices.reversed() where b >= firstBlock[i] {
            return firstOffset[i] + UInt64(b - firstBlock[i]) * regions[i].length
        }
        return 0
    }

    public func length(ofBlock b: Int) -> UInt64 {
        for i in regions.indices.reversed() where b >= firstBlock[i] { return regions[i].length }
        return regions.first?.length ?? 0
    }
}
