import FlashEvents
import FlashAnalysis

// Where two boots' command streams part: per device, the io_write accesses (offset, size,
// value) of trace A and trace B compared in order. The caller feeds records from both traces in
// lockstep; writes one side has and the other has not reached yet wait in a queue, capped, so a
// comparison of very different traces gives up on that device instead of growing without bound.

public struct WriteRef: Sendable, Equatable {
    public var seq: UInt64
    public var line: Int
    public var event: FlashEvent

    public var description: String { describeEvent(event) }
}

public struct StreamParting: Sendable {
    public var device: String
    /// Writes equal in both streams before they part.
    public var agreeing: Int
    /// The first differing write of each side; nil where that side's stream ended.
    public var a: WriteRef?
    public var b: WriteRef?
    /// The comparison stopped: one side ran too far ahead of the other.
    public var gaveUp = false
}

public final class CommandStreamComparer {
    /// A FIFO with a moving head: Array.removeFirst would make deep queues quadratic.
    private struct Queue {
        private var items: [WriteRef] = []
        private var head = 0
        var isEmpty: Bool { head == items.count }
        var count: Int { items.count - head }
        var first: WriteRef? { isEmpty ? nil : items[head] }
        mutating func append(_ r: WriteRef) { items.append(r) }
        mutating func pop() -> WriteRef {
            defer {
                head += 1
                if head > 4096 && head * 2 > items.count { items.removeFirst(head); head = 0 }
            }
            return items[head]
        }
    }

    private struct DeviceState {
        var queues: [Queue] = [Queue(), Queue()]
        var agreeing = 0
        var parting: StreamParting?
    }

    private var states: [String: DeviceState] = [:]
    private var order: [String] = []
    /// Writes seen per side (the caller reads the side that is behind).
    public private(set) var writes = [0, 0]
    let limit: Int

    public init(limit: Int = 1 << 20) { self.limit = limit }

    /// A record of side 0 (A) or 1 (B); only writes take part.
    public func add(side: Int, record: TraceRecord, line: Int) {
        let k = record.event.kind
        guard k == .ioWrite || k == .outerWrite else { return }
        writes[side] += 1
        if states[record.device] == nil { order.append(record.device) }
        var s = states[record.device] ?? DeviceState()
        defer { states[record.device] = s }
        guard s.parting == nil else { return }
        let ref = WriteRef(seq: record.seq, line: line, event: record.event)
        let other = 1 - side
        if s.queues[other].isEmpty {
            s.queues[side].append(ref)
            if s.queues[side].count > limit {
                s.parting = StreamParting(device: record.device, agreeing: s.agreeing, gaveUp: true)
                s.queues = [Queue(), Queue()]
            }
            return
        }
        let head = s.queues[other].pop()
        if sameWrite(head.event, ref.event) {
            s.agreeing += 1
        } else {
            var p = StreamParting(device: record.device, agreeing: s.agreeing)
            if side == 0 { p.a = ref; p.b = head } else { p.a = head; p.b = ref }
            s.parting = p
            s.queues = [Queue(), Queue()]
        }
    }

    /// Devices whose streams differ, in order of first appearance; a stream that is a prefix of
    /// the other parts where it ends.
    public func finish() -> [StreamParting] {
        var out: [StreamParting] = []
        for name in order {
            guard let s = states[name] else { continue }
            if let p = s.parting { out.append(p); continue }
            if let a = s.queues[0].first { out.append(StreamParting(device: name, agreeing: s.agreeing, a: a, b: nil)) }
            if let b = s.queues[1].first { out.append(StreamParting(device: name, agreeing: s.agreeing, a: nil, b: b)) }
        }
        return out
    }

    /// Devices with writes, and how many agreed (for the "identical" lines).
    public func agreeing(_ device: String) -> Int { states[device]?.agreeing ?? 0 }

    private func sameWrite(_ x: FlashEvent, _ y: FlashEvent) -> Bool {
        x.kind == y.kind && x.offset == y.offset && x.size == y.size && x.value == y.value
    }
}

/// `io_write(offset:0x40 size:4 value:0x980098)`: the fields that define a write.
func describeEvent(_ e: FlashEvent) -> String {
    "\(e.kind.name)(offset:\(Markup.hex(e.offset)) size:\(e.size) value:\(Markup.hex(e.value)))"
}
