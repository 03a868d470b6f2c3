// Reading on a second core: a source's reader parses the trace on its own thread, a few
// thousand records ahead of the consumer (replay's model, rules and statistics). Parsing is about
// half of a replay's work, so on a machine with two cores or more the two halves overlap. The
// consumer sees exactly what it would see reading directly: the same items in the same order,
// and the reader's error after every item before it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import FlashEvents
import Synchronization

/// `source`, read ahead on another thread by `forEachItem` (replay's loop); every other member
/// is the source's own. After `forEachItem` returns or throws, `source` is the reader in the
/// state reading alone would have left it in (its line, truncation, skipped lines), except that
/// after the consumer threw it may have read further.
public struct ReadAheadSource<S: RecordSource>: RecordSource {
    public var source: S

    public init(_ source: S) { self.source = source }

    /// Whether reading ahead can pay off here: not with one core, where the two threads would
    /// only take turns.
    public static var worthwhile: Bool { sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1 }

    public var header: TraceHeader? { source.header }
    public var lineNumber: Int { source.lineNumber }
    public var truncatedLastLine: Bool { source.truncatedLastLine }
    public var skippedLines: Int { source.skippedLines }
    public func close() { source.close() }
    public mutating func nextItem() throws -> TraceItem? { try source.nextItem() }

    public mutating func forEachItem(record: (TraceRecord, Int) throws -> Void,
                                     gap: (_ count: UInt64, _ from: UInt64?, _ to: UInt64?, _ line: Int) throws -> Void) throws {
        let ring = ReadAheadRing()
        let reader = ReadAheadReader(source, into: ring)
        guard let thread = JoinableThread(reader.run) else { return try source.forEachItem(record: record, gap: gap) }
        defer {
            thread.join()
            source = reader.source
        }
        try ring.consume(record: record, gap: gap)
    }
}

/// The reader's thread: the source's own loop, each item put into the ring. Only this class is
/// generic; the ring, which every item passes, is not, so the per-item code is compiled once for
/// the record type rather than run through generic metadata.
private final class ReadAheadReader<S: RecordSource> {
    /// Only the reader's thread uses it until the thread is joined.
    var source: S
    private let ring: ReadAheadRing

    init(_ source: S, into ring: ReadAheadRing) {
        self.source = source
        self.ring = ring
    }

    func run() {
        let ring = self.ring
        do {
            try source.forEachItem(record: { r, line in try ring.put(r, line: line) },
                                   gap: { c, from, to, line in try ring.putGap(count: c, from: from, to: to, line: line) })
            ring.close(failure: nil)
        } catch is ReadAheadStop {
            ring.close(failure: nil)
        } catch {
            ring.close(failure: error)
        }
    }
}

/// Thrown inside the reader's loop to end it when the consumer has stopped.
private struct ReadAheadStop: Error {}

/// The hand-over between the two threads: `slots` batches of `batch` items in one allocation,
/// a ring that the reader fills and the consumer empties. Each slot belongs to one thread at a
/// time; the two semaphores pass it over and order the memory accesses. Only the reader touches
/// `slot`, `fill` and the name table's counters.
///
/// Items are plain values (no reference counting, copied as bytes): the device name travels as
/// an index into a table that only grows, filled by the reader before it hands over the first
/// slot that refers to a new entry. Records that carried their String across cost the two
/// threads about a fifth of their time in copies and reference counts.
private final class ReadAheadRing: @unchecked Sendable {
    struct Entry {
        var seq: UInt64
        var ts: UInt64
        var event: FlashEvent
        var line: Int
        /// Index into `names`; `overflowName` when the table is full (the name is then in
        /// `overflow` at the entry's own index).
        var device: UInt32
        var hasTs: Bool
        /// A gap: `seq` is its count, `ts` its start when `hasTs`, `gapEnd` its end when `hasGapEnd`.
        var isGap: Bool
        var hasGapEnd: Bool
        var gapEnd: UInt64
    }

    // 4 × 256 items (about 100 KiB): the consumer rarely waits for the reader or the reader
    // for it, and the ring stays in the cores' second-level caches.
    static var slots: Int { 4 }
    static var batch: Int { 256 }
    static var maxNames: Int { 64 }
    static var overflowName: UInt32 { .max }

    private let entries: UnsafeMutablePointer<Entry>
    private let overflow: UnsafeMutablePointer<String>
    private let names: UnsafeMutablePointer<String>
    /// Items in each handed-over slot; the last slot holds `~count` (negative).
    private let counts: UnsafeMutablePointer<Int>
    /// Slots handed over by the reader, and slots the consumer is done with.
    private let filled = Handoff()
    private let freed = Handoff()
    private let stop = Atomic<Bool>(false)
    /// The reader's error; written before the last slot is handed over, read after.
    private var failure: (any Error)?
    // The reader's side: the sequence number of the slot it fills (its index modulo `slots`).
    private var filling = 0
    private var slot: Int { filling % Self.slots }
    private var fill = 0
    private var nameCount = 0
    private var lastName = ""
    private var lastIndex = UInt32.max

    init() {
        entries = .allocate(capacity: Self.slots * Self.batch)
        overflow = .allocate(capacity: Self.slots * Self.batch)
        names = .allocate(capacity: Self.maxNames)
        counts = .allocate(capacity: Self.slots)
        counts.initialize(repeating: 0, count: Self.slots)
    }

    deinit {
        // Entries are plain values; overflow names were moved out or deinitialised by the consumer.
        names.deinitialize(count: nameCount)
        names.deallocate()
        overflow.deallocate()
        entries.deallocate()
        counts.deallocate()
    }

    // MARK: the reader's thread

    /// Ends the reader's side: hands over the last, partly filled slot.
    func close(failure: (any Error)?) {
        self.failure = failure
        counts[slot] = ~fill
        filled.advance()
    }

    @inline(__always)
    func put(_ r: TraceRecord, line: Int) throws {
        let at = slot &* Self.batch &+ fill
        try append(Entry(seq: r.seq, ts: r.ts ?? 0, event: r.event, line: line, device: index(of: r.device, at: at),
                         hasTs: r.ts != nil, isGap: false, hasGapEnd: false, gapEnd: 0), at: at)
    }

    func putGap(count: UInt64, from: UInt64?, to: UInt64?, line: Int) throws {
        try append(Entry(seq: count, ts: from ?? 0, event: FlashEvent(.reset), line: line, device: 0,
                         hasTs: from != nil, isGap: true, hasGapEnd: to != nil, gapEnd: to ?? 0),
                   at: slot &* Self.batch &+ fill)
    }

    /// Stores the entry at `at` (the next free one) and hands the slot over once it is full.
    @inline(__always)
    private func append(_ e: Entry, at: Int) throws {
        (entries + at).initialize(to: e)
        fill &+= 1
        if fill == Self.batch { try handOver() }
    }

    /// The table index of `name` (traces run long stretches on one device: one comparison).
    @inline(__always)
    private func index(of name: String, at entry: Int) -> UInt32 {
        if lastIndex != Self.overflowName && name == lastName { return lastIndex }
        return lookUp(name, at: entry)
    }

    private func lookUp(_ name: String, at entry: Int) -> UInt32 {
        var i = 0
        while i < nameCount && names[i] != name { i += 1 }
        if i == nameCount {
            guard nameCount < Self.maxNames else {
                (overflow + entry).initialize(to: name)
                return Self.overflowName
            }
            (names + i).initialize(to: name)
            nameCount += 1
        }
        lastName = name
        lastIndex = UInt32(i)
        return lastIndex
    }

    private func handOver() throws {
        counts[slot] = fill
        filled.advance()
        filling += 1
        fill = 0
        // The slot's previous round must be consumed.
        freed.wait(until: filling - Self.slots + 1)
        if stop.load(ordering: .relaxed) { throw ReadAheadStop() }
    }

    // MARK: the consumer's thread

    func consume(record: (TraceRecord, Int) throws -> Void,
                 gap: (_ count: UInt64, _ from: UInt64?, _ to: UInt64?, _ line: Int) throws -> Void) throws {
        // Locals, not the properties: the reader writes its counters on every item, and
        // reading a property on the same cache line made that line travel between the cores.
        let entries = self.entries, overflow = self.overflow, names = self.names, counts = self.counts
        let filled = self.filled, freed = self.freed
        // Each slot is copied out whole and handed back before its items are replayed: one bulk
        // copy fetches the other core's lines far faster than reads spread between replay
        // steps, and the reader gets the slot back a batch sooner.
        let local = UnsafeMutablePointer<Entry>.allocate(capacity: Self.batch)
        let localOverflow = UnsafeMutablePointer<String>.allocate(capacity: Self.batch)
        defer {
            local.deallocate()
            localOverflow.deallocate()
        }
        var sequence = 0
        // One record, rebuilt in place: its device name changes only when the index does.
        var r = TraceRecord(seq: 0, ts: nil, device: "", event: FlashEvent(.reset))
        var device = Self.overflowName
        while true {
            filled.wait(until: sequence + 1)
            let slot = sequence % Self.slots
            let c = counts[slot]
            let last = c < 0
            let n = last ? ~c : c
            let first = slot * Self.batch
            local.update(from: entries + first, count: n)  // plain values: a memcpy
            for i in 0..<n where Self.holdsName(local[i]) {
                (localOverflow + i).moveInitialize(from: overflow + first + i, count: 1)
            }
            if !last { freed.advance() }
            sequence += 1
            var i = 0
            do {
                while i < n {
                    let e = local[i]
                    if e.isGap {
                        i += 1
                        try gap(e.seq, e.hasTs ? e.ts : nil, e.hasGapEnd ? e.gapEnd : nil, e.line)
                        continue
                    }
                    if e.device == Self.overflowName {
                        r.device = (localOverflow + i).move()
                        device = Self.overflowName
                    } else if e.device != device {
                        r.device = names[Int(e.device)]
                        device = e.device
                    }
                    i += 1
                    r.seq = e.seq
                    r.ts = e.hasTs ? e.ts : nil
                    r.event = e.event
                    try record(r, e.line)
                }
            } catch {
                for k in i..<n where Self.holdsName(local[k]) { (localOverflow + k).deinitialize(count: 1) }
                if !last { drain(from: sequence) }
                throw error
            }
            if last {
                if let failure { throw failure }
                return
            }
        }
    }

    /// Whether an entry's name is in `overflow` (a record's, when the table was full).
    @inline(__always)
    private static func holdsName(_ e: Entry) -> Bool { e.device == overflowName && !e.isGap }

    /// The consumer stopped: tell the reader to stop, and discard what it still hands over,
    /// from slot `sequence` up to its last.
    private func drain(from sequence: Int) {
        stop.store(true, ordering: .relaxed)
        var q = sequence
        while true {
            filled.wait(until: q + 1)
            let first = (q % Self.slots) * Self.batch
            let c = counts[q % Self.slots]
            for i in 0..<(c < 0 ? ~c : c) where Self.holdsName(entries[first + i]) {
                (overflow + first + i).deinitialize(count: 1)
            }
            if c < 0 { return }
            freed.advance()
            q += 1
        }
    }
}

/// A counter one thread advances and one other thread waits on. The waiter spins first: a batch
/// takes tens of microseconds, and sleeping on a semaphore for each one (a futex wait and a
/// wake-up through the hypervisor on a VM) cost about a fifth of the replay. It sleeps only
/// when the other side is slow for longer, so a stalled reader (a pipe) costs no CPU.
///
/// The counter has a cache line to itself (padding before and after it: the fields are laid
/// out in order): the waiter reads it in a loop, and a neighbouring object's field that the
/// other thread writes per item made every such write cost a transfer between the cores.
private final class Handoff: @unchecked Sendable {
    private let padBefore: CacheLine = (0, 0, 0, 0, 0, 0, 0, 0)
    private let count = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let padAfter: CacheLine = (0, 0, 0, 0, 0, 0, 0, 0)
    private let wake = DispatchSemaphore(value: 0)
    static var spins: Int { 20_000 }

    func advance() {
        count.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.signal() }
    }

    /// Returns once the count has reached `target`; its advance's writes are then visible.
    func wait(until target: Int) {
        for _ in 0..<Self.spins where count.load(ordering: .acquiring) >= target { return }
        while true {
            sleeping.store(true, ordering: .sequentiallyConsistent)
            if count.load(ordering: .sequentiallyConsistent) >= target {
                // advance may have seen the flag meanwhile and signalled: take that signal.
                if !sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.wait() }
                return
            }
            wake.wait()
            if count.load(ordering: .acquiring) >= target { return }
        }
    }
}

private typealias CacheLine = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
