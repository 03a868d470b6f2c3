import FlashEvents
import FlashModel

// Counts and the extent summary of one device: how far into the image the firmware reached,
// and so how small the image could have been.

public struct DeviceStats: Sendable {
    public let name: String
    public let type: DeviceType
    public let regionSize: UInt64
    public let backingSize: UInt64
    let config: DeviceConfig

    public private(set) var writes = 0
    public private(set) var reads = 0
    public private(set) var programs = 0
    public private(set) var bufferWrites = 0
    public private(set) var statusPolls = 0
    public private(set) var outerReads = 0
    public private(set) var outerWrites = 0
    /// Erase count per block start offset.
    public private(set) var erasesPerBlock: [UInt64: Int] = [:]

    /// One past the highest byte: of data stored (programs, flushed buffers), erased, read (traced
    /// reads only), and touched by any access at all (commands included).
    public private(set) var writtenEnd: UInt64 = 0
    public private(set) var erasedEnd: UInt64 = 0
    public private(set) var readEnd: UInt64 = 0
    public private(set) var accessEnd: UInt64 = 0

    init(config: DeviceConfig) {
        self.config = config
        name = config.name
        type = config.type
        regionSize = config.regionSize
        backingSize = config.backing
    }

    // Offsets come checked against the region and sizes are at most 4: the sums cannot wrap.
    mutating func countWrite(offset: UInt64, size: Int) {
        writes += 1
        accessEnd = max(accessEnd, offset &+ UInt64(size))
    }

    mutating func countRead(offset: UInt64, size: Int) {
        reads += 1
        accessEnd = max(accessEnd, offset &+ UInt64(size))
        readEnd = max(readEnd, offset &+ UInt64(size))
    }

    /// Counts of the model's events by kind (what happened, attempted or not).
    mutating func countOther(_ events: [FlashEvent]) {
        for e in events {
            switch e.kind {
            case .dataWrite, .dataWriteCounted: programs += 1
            case .writeBlockFlush: bufferWrites += 1
            case .readStatus: statusPolls += 1
            case .outerRead: outerReads += 1
            case .outerWrite: outerWrites += 1
            default: break
            }
        }
    }

    /// A change to the array (the model's ArrayEffects): how far stores and erases reached.
    mutating func count(_ effect: ArrayEffect) {
        switch effect {
        case .stored(let r):
            writtenEnd = max(writtenEnd, r.end)
        case .erased(let r):
            erasesPerBlock[r.start, default: 0] += 1
            erasedEnd = max(erasedEnd, r.end)
        }
    }

    public var erases: Int { erasesPerBlock.values.reduce(0, +) }

    /// Smallest backing size, rounded up to the erase sector, with which every access and erase of
    /// this trace stays inside the image. Reads in read-array mode never reach a trace, so for
    /// reads this is a lower bound.
    public var smallestSafeImage: UInt64 {
        let end = max(accessEnd, erasedEnd, writtenEnd)
        if end == 0 { return 0 }
        var start: UInt64 = 0
        for r in config.type == .cfi01 ? [(count: config.numBlocks, length: config.sectorLength)] : config.eraseRegions {
            let regionEnd = start + r.count * r.length
            if end <= regionEnd {
                let sectors = (end - start + r.length - 1) / r.length
                return start + sectors * r.length
            }
            start = regionEnd
        }
        return config.chipLength
    }

    /// Bytes saved per VM against the full region with the smallest safe image.
    public var savedBytes: UInt64 { regionSize - min(regionSize, smallestSafeImage) }
}
