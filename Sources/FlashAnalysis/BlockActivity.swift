import FlashEvents
import FlashModel

// What happened to each erase block of a device: accesses, data stored, erases, findings. Kept
// sparse (only touched blocks), so memory is bounded by the device's geometry, not the trace.

public struct BlockCounts: Sendable, Equatable {
    /// `io_write` accesses at an offset in the block (commands and data alike).
    public var writes = 0
    /// Data stores in the array: programs and flushed buffers (ArrayEffects), plus writes beyond
    /// the backing image (lost, but the firmware meant them).
    public var stores = 0
    /// Bytes of those stores.
    public var bytes: UInt64 = 0
    public var erases = 0
    public var errors = 0
    public var warnings = 0

    public init() {}

    public var isEmpty: Bool { self == BlockCounts() }
}

public struct DeviceActivity: Sendable {
    public let name: String
    public let type: DeviceType
    public let readonly: Bool
    public let geometry: FlashGeometry
    public let regionSize: UInt64
    public let backingSize: UInt64
    /// Touched blocks by index.
    public internal(set) var blocks: [Int: BlockCounts] = [:]

    init(config: DeviceConfig) {
        name = config.name
        type = config.type
        readonly = config.readonly
        geometry = FlashGeometry(config)
        regionSize = config.regionSize
        backingSize = config.backing
    }

    mutating func count(_ step: ReplayStep) {
        let e = step.record.event
        if e.kind == .ioWrite || e.kind == .outerWrite {
            update(e.offset) { $0.writes += 1 }
        }
        for m in step.events where m.kind == .outerWrite {
            update(m.offset) { $0.stores += 1; $0.bytes += m.size }
        }
        for effect in step.effects {
            switch effect {
            case .stored(let r):
                update(r.start) { $0.stores += 1; $0.bytes += r.count }
            case .erased(let r) where r.start == 0 && r.end == geometry.chipLength:
                for b in 0..<geometry.blockCount { blocks[b, default: BlockCounts()].erases += 1 }  // chip erase
            case .erased(let r):
                update(r.start) { $0.erases += 1 }
            }
        }
    }

    mutating func count(_ f: Finding) {
        guard let o = f.offset else { return }
        update(o) { if f.severity == .error { $0.errors += 1 } else { $0.warnings += 1 } }
    }

    /// Region offsets of CFI02 mappings alias the chip, hence the modulo.
    private mutating func update(_ offset: UInt64, _ change: (inout BlockCounts) -> Void) {
        guard geometry.chipLength > 0, let b = geometry.block(containing: offset % geometry.chipLength) else { return }
        change(&blocks[b, default: BlockCounts()])
    }
}
