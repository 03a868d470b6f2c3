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

    /// Bytes a program stores in the array at once (CFI01 word program, CFI02 program; §2.5, §3.6).
    /// Buffered data (`data_write_block`) is not here: it reaches the array only at the flush
    /// (see `bufferedRange`).
    @inlinable
    public var programmedRange: ByteRange? {
        kind == .dataWrite ? ByteRange(start: offset, end: offset.addingSaturated(size)) : nil
    }

    /// Bytes a write-to-buffer data cycle puts into the CFI01 write buffer (§2.5 wcycle 2).
    @inlinable
    public var bufferedRange: ByteRange? {
        kind == .dataWriteBlock ? ByteRange(start: offset, end: offset.addingSaturated(size)) : nil
    }

    /// Whether the event is a status-register read (a firmware polling for completion).
    @inlinable public var isStatusPoll: Bool { kind == .readStatus }
}

extension UInt64 {
    @inlinable func addingSaturated(_ other: UInt64) -> UInt64 {
        let (r, o) = addingReportingOverflow(other)
        return o ? .max : r
    }
}
