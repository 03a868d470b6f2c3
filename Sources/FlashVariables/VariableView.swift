// What replay learnt about one variable store: the per-variable histories, rewrites of the
// store, cost and fill. Plain values: the renderers (text, JSON, HTML) only read them.

/// Where in the trace something happened (the input that did it).
public struct TracePlace: Equatable, Sendable {
    public var seq: UInt64
    public var line: Int

    public init(seq: UInt64, line: Int) { self.seq = seq; self.line = line }
}

public enum VariableOpKind: String, Sendable {
    /// In the store when the trace starts (the initial image).
    case initial
    case add
    /// A new copy added while the variable was live (the old copy deleted).
    case update
    case delete
}

public struct VariableOp: Equatable, Sendable {
    public var kind: VariableOpKind
    /// Nil for `initial`.
    public var at: TracePlace?
    public var attributes: UInt32
    /// The value's bytes (empty for delete).
    public var data: [UInt8]
    public var size: Int { data.count }
}

public struct VariableView: Sendable {
    public var name: String
    public var guid: GUID
    /// The attributes of the last copy seen.
    public var attributes: UInt32
    public var history: [VariableOp]
    /// Sum of the data sizes of the adds and updates: what the firmware asked to store.
    public var dataBytes: UInt64
    /// Bytes of the value that differ from the previous value (length changes count in full).
    public var changedBytes: UInt64
    /// Bytes of the copies written for it (headers, names and data of adds, updates and the
    /// copies rewritten by reclaims and in-place rewrites).
    public var programmedBytes: UInt64
    /// Copies of it rewritten unchanged (reclaims, in-place block rewrites).
    public var rewrites: Int

    /// Live at the end of the trace: its last operation is not a delete.
    public var isLive: Bool { history.last.map { $0.kind != .delete } ?? false }
    public var value: [UInt8]? { isLive ? history.last?.data : nil }
}

/// An erase of the store followed by its rewrite. `compacting`: the live copies came back at
/// lower offsets (a reclaim dropping dead copies); otherwise the block was rewritten as it was
/// (a driver that erases to write bits 0 → 1).
public struct StoreRewrite: Equatable, Sendable {
    public var start: TracePlace
    /// Nil when the trace ended before every live variable had a copy in the store again.
    public var end: TracePlace?
    public var compacting: Bool
    /// The rewrite went through the FTW spare block (it was written before the store was erased).
    public var throughSpare: Bool
}

/// Bytes of the store's variable area by what holds them.
public struct StoreFill: Equatable, Sendable {
    /// Live copies (headers, names, data, padding).
    public var live: Int
    /// Deleted, superseded and unfinished copies.
    public var dead: Int
    public var free: Int
    public var used: Int { live + dead }
}

public struct StoreCost: Equatable, Sendable {
    /// Bytes programmed inside the FV (store, working space, spare) and outside any variable copy.
    public var programmedBytes: UInt64 = 0
    public var programmedInSpare: UInt64 = 0
    public var programmedInWorking: UInt64 = 0
    public var erasedBytes: UInt64 = 0
    /// Erases by the start offset of the erased block.
    public var erasesPerBlock: [Int: Int] = [:]
    public var erases: Int { erasesPerBlock.values.reduce(0, +) }
}

/// One store's view.
public struct VariableStoreView: Sendable {
    public var device: String
    public var layout: StoreLayout
    /// The view lacks what was in the store before the trace (no initial image): only what the
    /// trace wrote is known.
    public var partial: Bool
    /// Where the store was found: nil in the initial image, else the input that formatted it.
    public var foundAt: TracePlace?
    public var variables: [VariableView]
    public var rewrites: [StoreRewrite]
    public var cost: StoreCost
    public var fillStart: StoreFill
    public var fillEnd: StoreFill

    /// Data bytes the firmware asked to store (adds and updates), all variables.
    public var dataBytes: UInt64 { variables.reduce(0) { $0 + $1.dataBytes } }
    /// Bytes programmed per byte of variable data asked for.
    public var writeAmplification: Double? {
        dataBytes == 0 ? nil : Double(cost.programmedBytes) / Double(dataBytes)
    }

    /// What this trace consumed of the store: the growth of the used part since the start, or
    /// since the last compacting reclaim.
    public var consumed: Int {
        fillEnd.used - (rewrites.contains { $0.compacting } ? usedAfterLastReclaim : fillStart.used)
    }
    /// Used bytes right after the last compacting reclaim (set by the tracker).
    public var usedAfterLastReclaim = 0

    /// How many more traces like this one fit before the store must be reclaimed.
    public var bootsUntilFull: Int? {
        consumed > 0 ? fillEnd.free / consumed : nil
    }
}
