import FlashEvents

// What an event means for the flash contents, asked of the model in one place: the bytes an
// erase covers, the bytes a program or buffered write puts in the array (or the write buffer),
// whether a read polls status. Statistics, the known-bytes map, block activity, the Chrome
// trace and the HTML maps all ask here instead of decoding arguments themselves.

/// Half-open byte range inside a device's chip.
public struct ByteRange: Equatable, Sendable {
    public var start: UInt64
    public var end: UInt64
    public var count: UInt64 { end &- start }

    @inlinable public init(start: UInt64, end: UInt64) { self.start = start; self.end = end }
}

extension FlashEvent {
    /// Bytes an erase event covers (CFI01 block erase, spec §2.5; CFI02 sector erase, §3.7; chip
    /// erase, the whole chip of `chipLength` bytes). Nil for every other event. Saturating: event
    /// arguments read from a trace may be anything.
    @inlinable
    public func erasedRange(chipLength: UInt64) -> ByteRange? {
        switch kind {
        case .writeBlockErase: return ByteRange(start: offset, end: offset.addingSaturated(len))
        case .sectorEraseStart: return ByteRange(start: start, end: end.addingSaturated(1))
        case .chipEraseStart: return ByteRange(start: 0, end: chipLength)
        default: return nil
        }
    }

    /// Bytes a program stores in the array at once (CFI01 word program, CFI02 program; §2.5, §3.6;
    /// before the update buffer also each buffered data word, §2.10).
    /// Buffered data (`data_write_block`) is not here: it reaches the array only at the flush
    /// (see `bufferedRange`).
    @inlinable
    public var programmedRange: ByteRange? {
        kind == .dataWrite || kind == .dataWriteCounted ? ByteRange(start: offset, end: offset.addingSaturated(size)) : nil
    }

    /// Bytes a write-to-buffer data cycle puts into the CFI01 write buffer (§2.5 wcycle 2).
    @inlinable
    public var bufferedRange: ByteRange? {
        kind == .dataWriteBlock ? ByteRange(start: offset, end: offset.addingSaturated(size)) : nil
    }

    /// Whether the event is a status-register read (a firmware polling for completion).
    @inlinable public var isStatusPoll: Bool { kind == .readStatus }

    /// Whether the event starts a CFI01 program, block erase or write-to-buffer (§2.5 wcycle 0,
    /// §2.9): the operations whose outcome the status error bits (§2.7) report.
    public var startsProgramOrErase: Bool {
        kind == .writeBlockErase || (kind == .write && (textID == .singleByteProgram0 || textID == .writeToBuffer))
    }
}

extension UInt64 {
    @inlinable func addingSaturated(_ other: UInt64) -> UInt64 {
        let (r, o) = addingReportingOverflow(other)
        return o ? .max : r
    }
}

/// A change to a device's array (its storage), as the model's events describe it.
public enum ArrayEffect: Equatable, Sendable {
    /// Bytes a program or a buffer flush put into the array.
    case stored(ByteRange)
    /// Bytes an erase set to 0xFF.
    case erased(ByteRange)

    public var range: ByteRange {
        switch self {
        case .stored(let r), .erased(let r): return r
        }
    }
}

/// The array changes one device's events make, in order: what statistics, the known-bytes map,
/// flash maps and timelines count. Stateful because buffered data reaches the array only when
/// the buffer is flushed (§2.5 wcycle 3), and not at all when it is aborted or the device reset.
/// A read-only device's program and erase events change nothing (§1.2: CFI01 emits the erase
/// event and CFI02 its data and erase events on a read-only device too).
public struct ArrayEffects: Sendable {
    public let chipLength: UInt64
    public let readonly: Bool
    /// Whether a store's bytes become exactly the data written: CFI01 programs overwrite (§2.5,
    /// trap 7) and its buffer holds the data; CFI02 programs AND the data into the old contents
    /// (§3.6), so what they leave is known only where the old contents were.
    public let storesReplace: Bool
    private var pending: [ByteRange] = []

    public init(type: DeviceType, chipLength: UInt64, readonly: Bool) {
        self.chipLength = chipLength
        self.readonly = readonly
        storesReplace = type == .cfi01
    }

    /// Whether an event of this kind can change the array (or the pending buffered data): the
    /// ones `apply` looks at. A cheap test that lets replay skip the rest.
    @inlinable
    public static func concerns(_ kind: EventKind) -> Bool {
        switch kind {
        case .dataWrite, .dataWriteCounted, .writeBlockErase, .sectorEraseStart, .chipEraseStart,
             .dataWriteBlock, .writeBlockFlush, .writeBlockAbort, .reset: return true
        default: return false
        }
    }

    /// Appends the array changes of the device's next event to `out` (most events make none).
    /// No closure: replay calls this for every event, and a closure capturing its state cost a
    /// retain and a release each time.
    @inlinable
    public mutating func apply(_ e: FlashEvent, into out: inout [ArrayEffect]) {
        switch e.kind {
        case .dataWrite, .dataWriteCounted, .writeBlockErase, .sectorEraseStart, .chipEraseStart:
            guard !readonly else { return }
            if let r = e.programmedRange { out.append(.stored(r)) } else if let r = e.erasedRange(chipLength: chipLength) { out.append(.erased(r)) }
        case .dataWriteBlock, .writeBlockFlush, .writeBlockAbort, .reset:
            buffer(e, into: &out)
        default:
            return
        }
    }

    @usableFromInline
    mutating func buffer(_ e: FlashEvent, into out: inout [ArrayEffect]) {
        switch e.kind {
        case .dataWriteBlock:
            if let r = e.bufferedRange { pending.append(r) }
        case .writeBlockFlush:
            for r in pending { out.append(.stored(r)) }
            pending.removeAll(keepingCapacity: true)
        default:
            pending.removeAll(keepingCapacity: true)
        }
    }
}
