import FlashAnalysis
import FlashEvents
import FlashModel
import FlashTraceIO

// `convert --to chrome-json`: Chrome's trace-event JSON (what Perfetto and chrome://tracing
// open), streamed while the trace replays. Each device is a process with one track:
// command sequences as slices, erases, buffered writes and programs as slices inside them,
// findings as instant events, status polls as a counter. Timestamps are microseconds on the
// trace's clock from its first event; a trace without timestamps uses 1 µs per event (seq).
// Events that share a clock tick are spaced 1 ns apart so their order stays visible.

public final class ChromeTraceWriter: ReplayObserver {
    private let sink: ([UInt8]) throws -> Void
    private var buffer: [UInt8] = []
    private var first = true
    private var failure: Error?
    private var devices: [Track]
    private var names: [String: Int] = [:]
    private var clock = TraceClock()

    /// Open slices and the poll counter of one device.
    struct Track {
        let name: String
        let type: DeviceType
        var sequence: Sequence?
        var erase: Slice?
        var buffered: Slice?
        var lastInput: UInt64 = 0
        var polls = 0
    }

    struct Sequence {
        var start: UInt64
        var line: Int
        var seq: UInt64
        var commands: [String] = []
        var writes = 0, reads = 0, erases = 0, buffered = 0, programs = 0
    }

    struct Slice {
        var start: UInt64
        var name: String
        var bytes: UInt64 = 0
        var count = 1
        var offset: UInt64
    }

    /// `sink` receives the JSON in pieces; its error ends the output and comes back from `finish`.
    public init(configs: [DeviceConfig], trace: String, sink: @escaping ([UInt8]) throws -> Void) {
        self.sink = sink
        devices = configs.map { Track(name: $0.name, type: $0.type) }
        for (i, c) in configs.enumerated() { names[c.name] = i }
        append("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"producer\":\"flashtrace\",\"trace\":")
        append(JSONValue.string(trace).serialized)
        append("},\"traceEvents\":[\n")
        for (i, c) in configs.enumerated() {
            event("{\"ph\":\"M\",\"pid\":\(i + 1),\"tid\":1,\"name\":\"process_name\",\"args\":{\"name\":\(quoted("\(c.name) (\(c.type.rawValue)\(c.readonly ? ", read-only" : ""))"))}}")
            event("{\"ph\":\"M\",\"pid\":\(i + 1),\"tid\":1,\"name\":\"process_sort_index\",\"args\":{\"sort_index\":\(i + 1)}}")
            event("{\"ph\":\"M\",\"pid\":\(i + 1),\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"flash\"}}")
        }
    }

    public func replayed(_ step: ReplayStep) {
        let t = clock.time(step.record)
        let d = step.device
        var track = devices[d]
        if track.sequence == nil && !step.idle {
            track.sequence = Sequence(start: t, line: step.line, seq: step.record.seq)
        }
        let pollsBefore = track.polls
        note(step, &track)
        for e in step.events { apply(e, t: t, pid: d + 1, track: &track) }
        if track.polls != pollsBefore { counter(pid: d + 1, t: t, polls: track.polls) }
        if let erase = track.erase, erase.start < t || step.idle, eraseEnds(step, track) {
            slice(erase, end: t, pid: d + 1, cat: "erase", args: "\"offset\":\(quoted(hex(erase.offset))),\"blocks\":\(erase.count)")
            track.erase = nil
        }
        if step.idle { close(&track, pid: d + 1, at: t) }
        track.lastInput = t
        devices[d] = track
    }

    public func found(_ f: Finding) {
        let t = clock.last
        var args = "\"severity\":\(quoted(f.severity.rawValue)),\"message\":\(quoted(f.message))"
        if let line = f.line { args += ",\"line\":\(line)" }
        if let seq = f.seq { args += ",\"seq\":\(seq)" }
        if let o = f.offset { args += ",\"offset\":\(quoted(hex(o)))" }
        if let d = names[f.device] {
            event("{\"ph\":\"i\",\"s\":\"t\",\"pid\":\(d + 1),\"tid\":1,\"ts\":\(micro(t)),\"cat\":\"finding\",\"name\":\(quoted(f.rule.rawValue)),\"args\":{\(args)}}")
        } else {
            event("{\"ph\":\"i\",\"s\":\"g\",\"pid\":0,\"tid\":0,\"ts\":\(micro(t)),\"cat\":\"finding\",\"name\":\(quoted(f.rule.rawValue)),\"args\":{\(args)}}")
        }
    }

    /// Closes what is still open at the last timestamp and ends the JSON.
    public func finish() throws {
        for d in devices.indices { close(&devices[d], pid: d + 1, at: clock.last) }
        append("\n]}\n")
        flush(force: true)
        if let failure { throw failure }
    }

    // MARK: slices

    /// Labels of the commands a sequence ran: QEMU's own `pflash_write` texts (CFI01) or the
    /// command bytes the CFI02 model starts.
    private func note(_ step: ReplayStep, _ track: inout Track) {
        guard track.sequence != nil else { return }
        switch step.record.event.kind {
        case .ioWrite, .outerWrite: track.sequence!.writes += 1
        case .ioRead, .outerRead: track.sequence!.reads += 1
        default: break
        }
        for e in step.events {
            let label: String
            switch e.kind {
            case .write: label = e.text
            case .writeStart: label = "command " + hex(e.cmd)
            // QEMU logs no text for erases: name them so the sequence's list is complete.
            case .writeBlockErase: label = "block erase"
            case .sectorEraseStart: label = "sector erase"
            case .chipEraseStart: label = "chip erase"
            default: continue
            }
            if track.sequence!.commands.last != label && track.sequence!.commands.count < 12 {
                track.sequence!.commands.append(label)
            }
        }
    }

    private func apply(_ e: FlashEvent, t: UInt64, pid: Int, track: inout Track) {
        switch e.kind {
        case .writeBlockErase, .sectorEraseStart, .chipEraseStart:
            let offset = e.erasedRange(chipLength: .max)?.start ?? 0  // the model says where an erase starts
            let what = e.kind == .chipEraseStart ? "chip erase" : e.kind == .sectorEraseStart ? "sector erase" : "block erase"
            if track.erase == nil { track.erase = Slice(start: t, name: what, offset: offset) } else { track.erase!.count += 1 }
            track.sequence?.erases += 1
        case .writeBlockStart:
            track.buffered = Slice(start: t, name: "buffered write", offset: .max)
        case .dataWriteBlock:
            if var b = track.buffered, let r = e.bufferedRange {
                b.bytes += r.count
                b.offset = min(b.offset, r.start)
                track.buffered = b
            }
        case .writeBlockFlush, .writeBlockAbort:
            if var b = track.buffered {
                let aborted = e.kind == .writeBlockAbort
                b.name = aborted ? "buffered write aborted" : "buffered write \(b.bytes) B"
                slice(b, end: t, pid: pid, cat: "buffered-write",
                      args: "\"bytes\":\(b.bytes),\"offset\":\(quoted(b.offset == .max ? "-" : hex(b.offset))),\"aborted\":\(aborted)")
                track.buffered = nil
                track.sequence?.buffered += 1
            }
        case .dataWrite, .dataWriteCounted:
            // From the input before the data (the setup cycle), never before the sequence began.
            let start = max(track.lastInput, track.sequence?.start ?? track.lastInput)
            slice(Slice(start: start, name: "program", offset: e.offset), end: t, pid: pid, cat: "program",
                  args: "\"bytes\":\(e.size),\"offset\":\(quoted(hex(e.offset))),\"value\":\(quoted(hex(e.value)))")
            track.sequence?.programs += 1
        case _ where e.isStatusPoll:
            track.polls += 1
        default:
            break
        }
    }

    /// CFI01 erases complete at once in QEMU; the slice covers the firmware's status polling,
    /// so it ends at the first input that is not a poll. CFI02 erases end with `erase_complete`.
    private func eraseEnds(_ step: ReplayStep, _ track: Track) -> Bool {
        if step.idle { return true }
        switch track.type {
        case .cfi01: return !step.events.contains { $0.kind == .readStatus || $0.kind == .writeBlockErase }
        case .cfi02: return step.events.contains { $0.kind == .eraseComplete }
        }
    }

    private func close(_ track: inout Track, pid: Int, at t: UInt64) {
        if let b = track.buffered {
            slice(b, end: t, pid: pid, cat: "buffered-write", args: "\"bytes\":\(b.bytes),\"unfinished\":true")
            track.buffered = nil
        }
        if let e = track.erase {
            slice(e, end: t, pid: pid, cat: "erase", args: "\"offset\":\(quoted(hex(e.offset))),\"blocks\":\(e.count)")
            track.erase = nil
        }
        if let s = track.sequence {
            let name = s.erases > 0 ? "erase sequence" : s.buffered > 0 ? "buffered write sequence"
                : s.programs > 0 ? "program sequence" : s.commands.first ?? "command sequence"
            let args = "\"commands\":\(quoted(s.commands.joined(separator: ", "))),\"writes\":\(s.writes),\"reads\":\(s.reads),"
                + "\"erases\":\(s.erases),\"buffered-writes\":\(s.buffered),\"programs\":\(s.programs),\"line\":\(s.line),\"seq\":\(s.seq)"
            slice(Slice(start: s.start, name: name, offset: 0), end: t, pid: pid, cat: "sequence", args: args)
            track.sequence = nil
        }
        if track.polls > 0 {
            track.polls = 0
            counter(pid: pid, t: t, polls: 0)
        }
    }

    private func slice(_ s: Slice, end: UInt64, pid: Int, cat: String, args: String) {
        event("{\"ph\":\"X\",\"pid\":\(pid),\"tid\":1,\"ts\":\(micro(s.start)),\"dur\":\(micro(end - min(end, s.start))),\"cat\":\"\(cat)\",\"name\":\(quoted(s.name)),\"args\":{\(args)}}")
    }

    private func counter(pid: Int, t: UInt64, polls: Int) {
        event("{\"ph\":\"C\",\"pid\":\(pid),\"tid\":1,\"ts\":\(micro(t)),\"name\":\"status polls\",\"args\":{\"in sequence\":\(polls)}}")
    }

    // MARK: output

    private func event(_ json: String) {
        if !first { buffer.append(contentsOf: ",\n".utf8) }
        first = false
        append(json)
    }

    private func append(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 20 { flush(force: false) }
    }

    private func flush(force: Bool) {
        guard failure == nil, force || buffer.count >= 1 << 20 else { return }
        do { try sink(buffer) } catch { failure = error }
        buffer.removeAll(keepingCapacity: true)
    }

    private func quoted(_ s: String) -> String { JSONValue.string(s).serialized }
    private func hex(_ v: UInt64) -> String { Markup.hex(v) }

    /// ns -> "12.345" µs.
    private func micro(_ ns: UInt64) -> String {
        let frac = ns % 1000
        if frac == 0 { return "\(ns / 1000)" }
        let f = String(frac)
        return "\(ns / 1000)." + String(repeating: "0", count: 3 - f.count) + f
    }
}

/// The trace's clock in ns from its first event, strictly increasing (see ChromeTraceWriter).
struct TraceClock {
    private var origin: UInt64?
    private var timed: Bool?
    private(set) var last: UInt64 = 0
    private var started = false

    mutating func time(_ r: TraceRecord) -> UInt64 {
        if timed == nil { timed = r.ts != nil }
        var t: UInt64
        if timed!, let ts = r.ts {
            let o = origin ?? ts
            origin = o
            t = ts >= o ? ts - o : 0
        } else if timed! {
            t = last  // an event without a timestamp in a timed trace: right after the previous one
        } else {
            t = r.seq * 1000
        }
        if started && t <= last { t = last + 1 }
        started = true
        last = t
        return t
    }
}
