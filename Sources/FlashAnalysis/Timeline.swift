// A timeline of a replay in a fixed number of buckets per device. When the trace outgrows the
// buckets, neighbours are merged pairwise and the bucket width doubles, so memory stays constant
// however long the trace is.

public struct TimelineBucket: Sendable, Equatable {
    /// Inputs: `io_write` / `io_read` (and their outer_* forms).
    public var writes = 0
    public var reads = 0
    /// Data stores (programs, buffered data words) and their bytes.
    public var stores = 0
    public var bytes: UInt64 = 0
    /// Buffered writes flushed.
    public var bufferWrites = 0
    public var erases = 0
    public var polls = 0
    /// Inputs that happened inside a command sequence, and sequences started.
    public var busy = 0
    public var sequences = 0
    public var errors = 0
    public var warnings = 0
    /// The first finding in the bucket, for tooltips.
    public var firstFinding: String?

    public init() {}

    public var isEmpty: Bool { self == TimelineBucket() }

    mutating func merge(_ o: TimelineBucket) {
        writes += o.writes; reads += o.reads; stores += o.stores; bytes += o.bytes
        bufferWrites += o.bufferWrites; erases += o.erases; polls += o.polls
        busy += o.busy; sequences += o.sequences; errors += o.errors; warnings += o.warnings
        if firstFinding == nil { firstFinding = o.firstFinding }
    }
}

public struct TimelineAxis: Sendable {
    public enum Kind: String, Sendable {
        /// x is the event's `seq`.
        case seq
        /// x is nanoseconds since the trace's first timestamp.
        case time
    }

    public let kind: Kind
    /// x units per bucket.
    public private(set) var width: UInt64 = 1
    /// One past the highest x seen (0: nothing).
    public private(set) var end: UInt64 = 0
    /// `lanes[device][bucket]`; one lane more than devices, for findings of no device (trace gaps).
    public private(set) var lanes: [[TimelineBucket]]
    public let capacity: Int

    init(kind: Kind, lanes: Int, capacity: Int) {
        self.kind = kind
        self.capacity = max(2, capacity & ~1)
        self.lanes = Array(repeating: Array(repeating: TimelineBucket(), count: self.capacity), count: lanes)
    }

    /// Buckets in use: the rest of each lane is empty.
    public var used: Int { end == 0 ? 0 : Int((end - 1) / width) + 1 }

    mutating func add(_ x: UInt64, lane: Int, _ delta: TimelineBucket) {
        while x / width >= UInt64(capacity) { compact() }
        end = max(end, x == .max ? .max : x + 1)  // saturating: a trace's timestamp may be 2^64-1 (found by fuzz-records)
        lanes[lane][Int(x / width)].merge(delta)
    }

    private mutating func compact() {
        for l in lanes.indices {
            var merged = Array(repeating: TimelineBucket(), count: capacity)
            for i in 0..<capacity / 2 {
                merged[i] = lanes[l][2 * i]
                merged[i].merge(lanes[l][2 * i + 1])
            }
            lanes[l] = merged
        }
        width *= 2
    }
}
