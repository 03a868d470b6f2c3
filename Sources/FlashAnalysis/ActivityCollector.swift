import FlashEvents
import FlashModel

// A replay observer that keeps what the HTML report and `diff` draw and compare: per-block
// counts and a bucketed timeline (on both axes, seq and time; which one a report shows is decided
// at the end, when it is known whether every event had a timestamp).

public struct ReplayActivity: Sendable {
    public var devices: [DeviceActivity]
    public var bySeq: TimelineAxis
    /// nil when some event had no timestamp or the clock never advanced (e.g. a recorded trace
    /// without clock steps).
    public var byTime: TimelineAxis?
    /// The trace's first timestamp in ns (the time axis starts there).
    public var firstTimestamp: UInt64?

    /// The axis a timeline should use: time when the trace has a clock, seq otherwise.
    public var timeline: TimelineAxis { byTime ?? bySeq }
}

public final class ActivityCollector: ReplayObserver {
    private var devices: [DeviceActivity]
    private var names: [String: Int] = [:]
    private var bySeq: TimelineAxis
    private var byTime: TimelineAxis
    private var firstTs: UInt64?
    private var allTimed = true
    /// Per device: inside a command sequence after the last input.
    private var busy: [Bool]
    /// Where the last input sat, so findings land next to it.
    private var lastSeq: UInt64 = 0
    private var lastTime: UInt64 = 0

    public init(configs: [DeviceConfig], buckets: Int = 480) {
        devices = configs.map(DeviceActivity.init)
        for (i, c) in configs.enumerated() { names[c.name] = i }
        bySeq = TimelineAxis(kind: .seq, lanes: configs.count + 1, capacity: buckets)
        byTime = TimelineAxis(kind: .time, lanes: configs.count + 1, capacity: buckets)
        busy = Array(repeating: false, count: configs.count)
    }

    public func replayed(_ step: ReplayStep) {
        let d = step.device
        devices[d].count(step)
        var delta = TimelineBucket()
        switch step.record.event.kind {
        case .ioWrite, .outerWrite: delta.writes = 1
        case .ioRead, .outerRead: delta.reads = 1
        default: break
        }
        for m in step.events {
            if m.kind == .writeBlockFlush { delta.bufferWrites += 1 }
            if m.isStatusPoll { delta.polls += 1 }
        }
        for effect in step.effects {
            switch effect {
            case .stored(let r): delta.stores += 1; delta.bytes += r.count
            case .erased: delta.erases += 1
            }
        }
        if !busy[d] && !step.idle { delta.sequences = 1 }
        if busy[d] || !step.idle { delta.busy = 1 }
        busy[d] = !step.idle

        lastSeq = step.record.seq
        bySeq.add(lastSeq, lane: d, delta)
        if let ts = step.record.ts {
            let first = firstTs ?? ts
            firstTs = first
            // Two QEMU threads may log slightly out of order: clamp to the start.
            lastTime = ts >= first ? ts - first : 0
            byTime.add(lastTime, lane: d, delta)
        } else {
            allTimed = false
        }
    }

    public func found(_ f: Finding) {
        var delta = TimelineBucket()
        if f.severity == .error { delta.errors = 1 } else { delta.warnings = 1 }
        delta.firstFinding = "\(f.rule.rawValue): \(f.message)"
        let lane = names[f.device] ?? devices.count
        if lane < devices.count { devices[lane].count(f) }
        bySeq.add(f.seq ?? lastSeq, lane: lane, delta)
        byTime.add(lastTime, lane: lane, delta)
    }

    public func result() -> ReplayActivity {
        let timed = allTimed && firstTs != nil && byTime.end > 1
        return ReplayActivity(devices: devices, bySeq: bySeq, byTime: timed ? byTime : nil,
                              firstTimestamp: timed ? firstTs : nil)
    }
}
