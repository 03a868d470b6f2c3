import FlashEvents
import FlashModel

// Replay of one device: recorded inputs drive the same model `record` uses, and the model's
// events are matched against the recorded ones.
//
// Inputs are `io_write` (the first event of a write), `io_read` (the LAST event of a read: the
// events before it are collected until it arrives), timer expiries and device resets. After an
// input, the model's events are "expected": the following trace events must equal them in order.

/// A trace event with the input line it came from.
struct Located {
    var record: TraceRecord
    var line: Int
}

final class DeviceReplay {
    let device: FlashDevice
    var name: String { device.config.name }
    let rules: RuleChecker
    private(set) var stats: DeviceStats
    var known: KnownBytes

    private var expected: [FlashEvent] = []
    private var expectedIndex = 0
    private var pendingReadEvents: [Located] = []
    /// After a divergence or an access the replay routes outside the image: the rest of that
    /// input's recorded events are not compared (avoids a cascade of follow-on divergences).
    private var skipping = false
    /// Whether the current input came from a recorded `outer_*` event that the replay serves
    /// from the image (a larger --backing-size): QEMU never saw it, so nothing is compared.
    let report: (Finding) -> Void
    let diverged: (Finding) -> Void

    init(device: FlashDevice, imageKnown: Bool, report: @escaping (Finding) -> Void,
         diverged: @escaping (Finding) -> Void) {
        self.device = device
        self.report = report
        self.diverged = diverged
        rules = RuleChecker(device: device)
        stats = DeviceStats(config: device.config)
        known = KnownBytes(count: device.backing, allKnown: imageKnown)
    }

    /// After lost events: nothing pending is compared, and contents are unknown again.
    func resynchronise() {
        dropExpected()
        pendingReadEvents.removeAll(keepingCapacity: true)
        skipping = true
        known = KnownBytes(count: device.backing, allKnown: false)
    }

    // MARK: input dispatch

    func consume(_ item: Located) {
        let e = item.record.event
        if expectedIndex < expected.count {
            if sameEvent(expected[expectedIndex], e) {
                expectedIndex += 1
                return
            }
            if !isInputStart(e.kind) {
                divergence(item, "recorded \(describe(e)), model emitted \(describe(expected[expectedIndex]))")
                dropExpected()
                skipping = true
                return
            }
            divergence(item, "model emitted \(describe(expected[expectedIndex])), which the trace lacks before \(describe(e))")
            dropExpected()
        }
        switch e.kind {
        case .ioWrite:
            skipping = false
            write(item, offset: e.a0, size: Int(e.a1), value: UInt32(truncatingIfNeeded: e.a2), fromOuter: false)
        case .outerWrite:
            skipping = false
            write(item, offset: e.a0, size: Int(e.a1), value: UInt32(truncatingIfNeeded: e.a2), fromOuter: true)
        case .ioRead:
            if skipping {
                // Keep the model's state in step, compare nothing of this read.
                _ = device.read(offset: e.a0, size: Int(e.a1))
                device.events.removeAll(keepingCapacity: true)
                pendingReadEvents.removeAll(keepingCapacity: true)
                skipping = false
                return
            }
            read(item)
        case .outerRead:
            skipping = false
            outerRead(item)
        case .timerExpired where pendingReadEvents.isEmpty:
            skipping = false
            timer(item)
        case .reset where pendingReadEvents.isEmpty && !skipping:
            deviceReset(item)
        default:
            if !skipping { pendingReadEvents.append(item) }
        }
    }

    private func isInputStart(_ k: EventKind) -> Bool {
        k == .ioWrite || k == .outerWrite || k == .outerRead || k == .timerExpired
    }

    private func dropExpected() {
        expected.removeAll(keepingCapacity: true)
        expectedIndex = 0
    }

    /// Starts matching the model's events for an input whose first recorded event is `item`.
    private func expect(_ events: [FlashEvent], first item: Located) {
        expected = events
        expectedIndex = 0
        if let first = expected.first, sameEvent(first, item.record.event) {
            expectedIndex = 1
        } else {
            let got = expected.first.map(describe) ?? "nothing"
            divergence(item, "recorded \(describe(item.record.event)), model emitted \(got)")
            dropExpected()
            skipping = true
        }
    }

    // MARK: inputs

    private func write(_ item: Located, offset: UInt64, size: Int, value: UInt32, fromOuter: Bool) {
        guard size == 1 || size == 2 || size == 4 else {
            divergence(item, "access size \(size) is not 1, 2 or 4")
            return
        }
        let before = rules.snapshot()
        let old = oldContents(offset, size)
        device.write(offset: offset, size: size, value: value)
        let events = device.events
        device.events.removeAll(keepingCapacity: true)
        stats.countWrite(offset: device.chipOffset(offset), size: size, events: events)
        trackKnown(events)
        for f in rules.afterWrite(before: before, offset: offset, size: size, value: value, old: old, events: events) {
            report(f.at(item, device: name))
        }
        if events.first?.kind == .outerWrite && !fromOuter {
            // Replay's image is smaller than the recorded one: QEMU's events for this access
            // have no counterpart in the model; the extent rule has reported it.
            skipping = true
            return
        }
        if fromOuter && events.first?.kind != .outerWrite {
            return  // a larger image than recorded: the state machine sees an access QEMU never did
        }
        expect(events, first: item)
    }

    private func oldContents(_ offset: UInt64, _ size: Int) -> UInt32? {
        let o = device.chipOffset(offset)
        guard device.isBacked(o, size), known.isKnown(o, size) else { return nil }
        return device.storage.load(Int(o), size)
    }

    private func read(_ item: Located) {
        let e = item.record.event
        let offset = e.a0, size = Int(e.a1)
        guard size == 1 || size == 2 || size == 4 else {
            divergence(item, "access size \(size) is not 1, 2 or 4")
            return
        }
        let value = device.read(offset: offset, size: size)
        var events = device.events
        device.events.removeAll(keepingCapacity: true)
        let recorded = pendingReadEvents + [item]
        pendingReadEvents.removeAll(keepingCapacity: true)
        stats.countRead(offset: device.chipOffset(offset), size: size, events: events)
        if events.first?.kind == .outerRead {
            for f in rules.outerRead(events[0]) { report(f.at(item, device: name)) }
            return  // the recorded read's events have no model counterpart (smaller image)
        }
        learnUnknownData(&events, offset: offset, size: size, value: value, recordedValue: UInt32(truncatingIfNeeded: e.a2))
        compareGroup(model: events, recorded: recorded)
    }

    /// Data reads of bytes replay does not know yet: adopt the recorded value as the contents.
    private func learnUnknownData(_ events: inout [FlashEvent], offset: UInt64, size: Int, value: UInt32,
                                  recordedValue: UInt32) {
        guard let i = events.firstIndex(where: { $0.kind == .dataRead }) else { return }
        let o = device.chipOffset(events[i].a0)
        if known.isKnown(o, size) || value == recordedValue { known.mark(o, UInt64(size)); return }
        device.storage.store(Int(o), size, recordedValue)
        known.mark(o, UInt64(size))
        // The value travels on: data_read, then (autoselect) read_done's ret, then io_read.
        for j in i..<events.count {
            switch events[j].kind {
            case .dataRead, .ioRead: events[j].a2 = UInt64(recordedValue)
            case .readDone: events[j].a1 = UInt64(recordedValue)
            default: break
            }
        }
    }

    private func compareGroup(model: [FlashEvent], recorded: [Located]) {
        for (i, r) in recorded.enumerated() {
            guard i < model.count else {
                divergence(r, "recorded \(describe(r.record.event)), which the model did not emit")
                return
            }
            if !sameEvent(model[i], r.record.event) {
                divergence(r, "recorded \(describe(r.record.event)), model emitted \(describe(model[i]))")
                return
            }
        }
        if model.count > recorded.count, let last = recorded.last {
            divergence(last, "model emitted \(describe(model[recorded.count])), which the trace lacks")
        }
    }

    private func outerRead(_ item: Located) {
        let e = item.record.event
        _ = device.read(offset: e.a0, size: Int(e.a1))
        let events = device.events
        device.events.removeAll(keepingCapacity: true)
        stats.countRead(offset: e.a0, size: Int(e.a1), events: events)
        for f in rules.outerRead(item.record.event) { report(f.at(item, device: name)) }
        pendingReadEvents.removeAll(keepingCapacity: true)
    }

    private func timer(_ item: Located) {
        guard device.timerDeadline != nil else {
            divergence(item, "recorded a timer expiry, but the model has no timer pending")
            skipping = true
            return
        }
        if let ts = item.record.ts { device.now = ts }
        device.fireTimer()
        let events = device.events
        device.events.removeAll(keepingCapacity: true)
        stats.countOther(events)
        trackKnown(events)
        expect(events, first: item)
    }

    private func deviceReset(_ item: Located) {
        for f in rules.incomplete(at: "device reset") { report(f.at(item, device: name)) }
        device.reset()
        let events = device.events
        device.events.removeAll(keepingCapacity: true)
        expect(events, first: item)
    }

    /// End of the trace: leftover expectations, unfinished reads, and the end-state rules.
    func finish(lastSeq: UInt64?, lastLine: Int?) {
        if expectedIndex < expected.count {
            let f = Finding(rule: .replayDivergence, device: name, seq: lastSeq, line: lastLine, offset: nil,
                            message: "trace ends where the model still emits \(describe(expected[expectedIndex]))")
            diverged(f)
        }
        if let first = pendingReadEvents.first {
            divergence(first, "recorded \(describe(first.record.event)) without the io_read that ends a read")
        }
        for f in rules.incomplete(at: "end of the trace") + rules.endState() {
            report(Finding(rule: f.rule, device: name, seq: nil, line: nil, offset: f.offset, message: f.message))
        }
    }

    // MARK: helpers

    private func trackKnown(_ events: [FlashEvent]) {
        for e in events {
            switch e.kind {
            case .dataWrite where device.config.type == .cfi01:
                known.mark(e.a0, e.a1)  // CFI01 overwrites: the result is the value
            case .writeBlockErase where !device.config.readonly:
                known.mark(e.a0, e.a1)
            case .sectorEraseStart where !device.config.readonly:
                known.mark(e.a1, e.a3 - e.a1 + 1)
            case .chipEraseStart where !device.config.readonly:
                known.markAll()
            case .dataWriteBlock:
                known.mark(e.a0, e.a1)  // stays exact: the buffer holds the value if it is flushed
            default:
                break
            }
        }
    }

    private func divergence(_ item: Located, _ message: String) {
        diverged(Finding(rule: .replayDivergence, device: name, seq: item.record.seq, line: item.line,
                         offset: nil, message: message))
    }
}

/// A finding before it is placed in the trace.
struct PendingFinding {
    var rule: Rule
    var offset: UInt64?
    var message: String

    func at(_ item: Located, device: String) -> Finding {
        Finding(rule: rule, device: device, seq: item.record.seq, line: item.line, offset: offset, message: message)
    }
}

/// Event equality for replay. `sector_erase_start`'s widths are the printf field width QEMU
/// derives from the `width` property; a QEMU log cannot carry them when the address is wider
/// than the field, so only the sector bounds are compared.
func sameEvent(_ model: FlashEvent, _ recorded: FlashEvent) -> Bool {
    if model.kind == .sectorEraseStart && recorded.kind == .sectorEraseStart {
        return model.a1 == recorded.a1 && model.a3 == recorded.a3
    }
    return model == recorded
}

/// `io_write(offset:0x40 size:4 value:0x980098 wcycle:0)`-style description for messages.
func describe(_ e: FlashEvent) -> String {
    let spec = e.kind.spec
    var parts: [String] = []
    for (i, a) in spec.args.enumerated() {
        if a.type == .string {
            parts.append("\(a.name):\"\(e.text)\"")
        } else {
            let v = e[argument: i]
            parts.append("\(a.name):" + (a.name == "size" || a.name == "wcycle" || a.name == "count" ? "\(v)" : hex(v)))
        }
    }
    return "\(spec.name)(\(parts.joined(separator: " ")))"
}
