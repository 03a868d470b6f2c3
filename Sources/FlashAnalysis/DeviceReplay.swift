import FlashEvents
import FlashModel
import FlashVariables

// Replay of one device: recorded inputs drive the same model `record` uses, and the model's
// events are matched against the recorded ones.
//
// Inputs are `io_write` (the first event of a write), `io_read` (the LAST event of a read: the
// events before it are collected until it arrives), timer expiries and device resets. After an
// input, the model's events are "expected": the following trace events must equal them in order.

/// A trace event with its place in the trace. The device name is left out: the DeviceReplay
/// knows it, and carrying the String would cost reference counting on every event.
struct Located {
    var event: FlashEvent
    var seq: UInt64
    var ts: UInt64?
    var line: Int

    init(record: TraceRecord, line: Int) {
        event = record.event
        seq = record.seq
        ts = record.ts
        self.line = line
    }

    func record(device: String) -> TraceRecord {
        TraceRecord(seq: seq, ts: ts, device: device, event: event)
    }
}

final class DeviceReplay {
    let device: FlashDevice
    let name: String
    // Copied out of the device's configuration once: reading them through `device.config` on
    // every event copies the whole struct (strings and arrays included).
    private let isCFI01: Bool
    private let readonly: Bool
    let rules: RuleChecker
    private(set) var stats: DeviceStats
    /// Bytes of the device's region: every recorded access is checked against it before it
    /// reaches the model, whose offsets must lie inside (trace values are hostile).
    private let regionSize: UInt64
    /// Whether an access beyond the region is a finding (the user fixed the geometry) rather
    /// than malformed input (the trace's own header declared it).
    private let beyondRegionIsFinding: Bool
    var known: KnownBytes

    private var expected: [FlashEvent] = []
    private var expectedIndex = 0
    private var pendingReadEvents: [Located] = []
    /// What the model's events do to the array (buffered data counts only once flushed).
    private var effects: ArrayEffects
    /// The array changes of the current input (reused: most inputs make none).
    private var changes: [ArrayEffect] = []
    /// After a divergence or an access the replay routes outside the image: the rest of that
    /// input's recorded events are not compared (avoids a cascade of follow-on divergences).
    private var skipping = false
    /// After a trace gap, until the recorded device is seen idle (see `resumes(at:)`).
    private var resyncing = false
    /// Whether the current input came from a recorded `outer_*` event that the replay serves
    /// from the image (a larger --backing-size): QEMU never saw it, so nothing is compared.
    let report: (Finding) -> Void
    let diverged: (Finding) -> Void
    /// Set by the engine when a report needs every input (maps, timelines); nil otherwise.
    var observer: ReplayObserver?
    /// The device's UEFI variable stores, followed through every array change (nil when the
    /// replay was asked not to: its cost is then none at all).
    let variables: DeviceVariables?
    /// The stores' views, once the trace has ended.
    private(set) var variableStores: [VariableStoreView] = []
    var index = 0

    /// `imageLength`: bytes of the device's initial contents that an image gave (the rest are
    /// unknown until the trace writes or reads them).
    init(device: FlashDevice, imageLength: UInt64, beyondRegionIsFinding: Bool, variables: Bool = true,
         report: @escaping (Finding) -> Void, diverged: @escaping (Finding) -> Void) {
        self.device = device
        self.beyondRegionIsFinding = beyondRegionIsFinding
        regionSize = device.config.regionSize
        self.report = report
        self.diverged = diverged
        rules = RuleChecker(device: device)
        stats = DeviceStats(config: device.config)
        name = device.config.name
        isCFI01 = device.config.type == .cfi01
        readonly = device.config.readonly
        effects = ArrayEffects(type: device.config.type, chipLength: device.chipLength, readonly: device.config.readonly)
        known = KnownBytes(count: device.backing, allKnown: imageLength >= device.backing)
        if imageLength > 0 && imageLength < device.backing { known.mark(0, imageLength) }
        self.variables = variables ? DeviceVariables(device: device.config.name, storage: device.storage, imageKnown: imageLength > 0) : nil
    }

    /// After lost events: nothing pending is compared, and contents are unknown again.
    func resynchronise() {
        dropExpected()
        pendingReadEvents.removeAll(keepingCapacity: true)
        skipping = true
        resyncing = true
        known = KnownBytes(count: device.backing, allKnown: false)
    }

    // MARK: input dispatch

    /// Replays one recorded event. Returns the error that makes the trace malformed (an access
    /// beyond the region its header declares), nil otherwise: returned rather than thrown, so the
    /// engine's per-event call stays a plain call.
    func consume(_ item: Located) -> ReplayError? {
        let e = item.event
        if e.kind.isAccess && !inRegion(e) {
            return beyondRegion(item)
        }
        if resyncing && !resumes(at: item) { return nil }
        dispatch(item)
        return nil
    }

    private func dispatch(_ item: Located) {
        let e = item.event
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
            write(item, offset: e.offset, size: Int(e.size), value: UInt32(truncatingIfNeeded: e.value), fromOuter: false)
        case .outerWrite:
            skipping = false
            write(item, offset: e.offset, size: Int(e.size), value: UInt32(truncatingIfNeeded: e.value), fromOuter: true)
        case .ioRead:
            if skipping {
                // Keep the model's state in step, compare nothing of this read.
                if e.size.isAccessSize { _ = device.read(offset: e.offset, size: Int(e.size)) }
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

    /// After a gap the model's command state is unknown (the lost events may have changed it),
    /// so running it on the next inputs would diverge input after input. Inputs are skipped
    /// until the recorded device is visibly idle: an io_write at write cycle 0 (the model is put
    /// in that state and replay goes on with it) or a device reset. Timers still due fire.
    private func resumes(at item: Located) -> Bool {
        let e = item.event
        switch e.kind {
        case .ioWrite where e.wcycle == 0:
            device.reset()
            device.events.removeAll(keepingCapacity: true)
        case .reset:
            break
        case .timerExpired where device.timerDeadline != nil:
            if let ts = item.ts { device.now = ts }
            device.fireTimer()
            device.events.removeAll(keepingCapacity: true)
            return false
        default:
            return false
        }
        resyncing = false
        skipping = false
        return true
    }

    /// Whether an access's bytes lie inside the region (the size is checked apart: only 1, 2
    /// and 4 reach the model, others are divergences). No arithmetic that can overflow.
    @inline(__always) private func inRegion(_ e: FlashEvent) -> Bool {
        e.size <= regionSize && e.offset <= regionSize - e.size
    }

    /// An access outside the region: the model never sees it.
    private func beyondRegion(_ item: Located) -> ReplayError? {
        let e = item.event
        let what = "\(e.kind.name) at \(hex(e.offset)) (\(e.size) bytes)"
        if !beyondRegionIsFinding {
            return ReplayError(line: item.line, message: "\(name): \(what) lies beyond the device's region of \(hex(regionSize)) bytes that the trace declares; expected offset + size ≤ \(hex(regionSize))")
        }
        report(PendingFinding(rule: .accessBeyondRegion, offset: e.offset,
                              message: "\(what) lies beyond the \(hex(regionSize))-byte region given for \(name); replay skipped it").at(item, device: name))
        dropExpected()
        pendingReadEvents.removeAll(keepingCapacity: true)
        skipping = true
        return nil
    }

    private func isInputStart(_ k: EventKind) -> Bool {
        k == .ioWrite || k == .outerWrite || k == .outerRead || k == .timerExpired
    }

    private func dropExpected() {
        expected.removeAll(keepingCapacity: true)
        expectedIndex = 0
    }

    /// Moves the events the model just emitted into `expected`, swapping buffers so neither
    /// array is reallocated (this runs for every input).
    private func takeEvents() {
        expected.removeAll(keepingCapacity: true)
        swap(&expected, &device.events)
        expectedIndex = 0
    }

    /// Starts matching `expected` for an input whose first recorded event is `item`.
    private func matchFirst(_ item: Located) {
        expectedIndex = 0
        if let first = expected.first, sameEvent(first, item.event) {
            expectedIndex = 1
        } else {
            let got = expected.first.map(describe) ?? "nothing"
            divergence(item, "recorded \(describe(item.event)), model emitted \(got)")
            dropExpected()
            skipping = true
        }
    }

    // MARK: inputs

    private func write(_ item: Located, offset: UInt64, size: Int, value: UInt32, fromOuter: Bool) {
        guard UInt64(size).isAccessSize else {
            divergence(item, "access size \(size) is not 1, 2 or 4")
            return
        }
        let before = rules.snapshot()
        let old = oldContents(offset, size)
        device.write(offset: offset, size: size, value: value)
        takeEvents()
        // One reference for every pass below: handing `expected` (a property) to each call
        // retained and released its buffer around every one of them.
        let events = expected
        stats.countWrite(offset: device.chipOffset(offset), size: size)
        account(item, events)
        for f in rules.afterWrite(before: before, offset: offset, size: size, value: value, old: old, events: events) {
            report(f.at(item, device: name))
        }
        if expected.first?.kind == .outerWrite && !fromOuter {
            // Replay's image is smaller than the recorded one: QEMU's events for this access
            // have no counterpart in the model; the extent rule has reported it.
            dropExpected()
            skipping = true
            return
        }
        if fromOuter && expected.first?.kind != .outerWrite {
            dropExpected()
            return  // a larger image than recorded: the state machine sees an access QEMU never did
        }
        matchFirst(item)
    }

    private func oldContents(_ offset: UInt64, _ size: Int) -> UInt32? {
        let o = device.chipOffset(offset)
        guard device.isBacked(o, size), known.isKnown(o, size) else { return nil }
        return device.contents(o, size)
    }

    private func read(_ item: Located) {
        let e = item.event
        guard e.size.isAccessSize else {
            divergence(item, "access size \(e.size) is not 1, 2 or 4")
            return
        }
        let offset = e.offset, size = Int(e.size)
        let value = device.read(offset: offset, size: size)
        takeEvents()
        stats.countRead(offset: device.chipOffset(offset), size: size)
        account(item, expected)
        if expected.first?.kind == .outerRead {
            for f in rules.outerRead(expected[0]) { report(f.at(item, device: name)) }
            // the recorded read's events have no model counterpart (smaller image)
        } else {
            learnUnknownData(offset: offset, size: size, value: value, recordedValue: UInt32(truncatingIfNeeded: e.value))
            compareGroup(last: item)
        }
        pendingReadEvents.removeAll(keepingCapacity: true)
        dropExpected()
    }

    /// Data reads of bytes replay does not know yet: adopt the recorded value as the contents.
    private func learnUnknownData(offset: UInt64, size: Int, value: UInt32, recordedValue: UInt32) {
        guard let i = expected.firstIndex(where: { $0.kind == .dataRead }) else { return }
        let o = device.chipOffset(expected[i].offset)
        if known.isKnown(o, size) || value == recordedValue { known.mark(o, UInt64(size)); return }
        device.storage.store(Int(o), size, recordedValue)
        known.mark(o, UInt64(size))
        // The value travels on: data_read, then (autoselect) read_done's ret, then io_read.
        for j in i..<expected.count {
            switch expected[j].kind {
            case .dataRead, .ioRead: expected[j][.value] = UInt64(recordedValue)
            case .readDone: expected[j][.ret] = UInt64(recordedValue)
            default: break
            }
        }
    }

    /// Compares the model's events for a read (in `expected`) with the recorded ones: the
    /// events collected before it, then its `io_read`.
    private func compareGroup(last: Located) {
        let count = pendingReadEvents.count + 1
        for i in 0..<count {
            let r = i < pendingReadEvents.count ? pendingReadEvents[i] : last
            guard i < expected.count else {
                divergence(r, "recorded \(describe(r.event)), which the model did not emit")
                return
            }
            if !sameEvent(expected[i], r.event) {
                divergence(r, "recorded \(describe(r.event)), model emitted \(describe(expected[i]))")
                return
            }
        }
        if expected.count > count {
            divergence(last, "model emitted \(describe(expected[count])), which the trace lacks")
        }
    }

    private func outerRead(_ item: Located) {
        let e = item.event
        guard e.size.isAccessSize else {
            divergence(item, "access size \(e.size) is not 1, 2 or 4")
            return
        }
        _ = device.read(offset: e.offset, size: Int(e.size))
        takeEvents()
        stats.countRead(offset: e.offset, size: Int(e.size))
        account(item, expected)
        dropExpected()
        for f in rules.outerRead(item.event) { report(f.at(item, device: name)) }
        pendingReadEvents.removeAll(keepingCapacity: true)
    }

    private func timer(_ item: Located) {
        guard device.timerDeadline != nil else {
            divergence(item, "recorded a timer expiry, but the model has no timer pending")
            skipping = true
            return
        }
        if let ts = item.ts { device.now = ts }
        device.fireTimer()
        takeEvents()
        account(item, expected)
        matchFirst(item)
    }

    private func deviceReset(_ item: Located) {
        for f in rules.incomplete(at: "device reset") { report(f.at(item, device: name)) }
        device.reset()
        takeEvents()
        account(item, expected)
        matchFirst(item)
    }

    /// End of the trace: leftover expectations, unfinished reads, and the end-state rules.
    /// `truncated`: the trace was cut off (a killed recorder); the events of its last input may
    /// be missing through no fault of the firmware, so they are not counted as divergences.
    func finish(lastSeq: UInt64?, lastLine: Int?, truncated: Bool = false) {
        if truncated {
            dropExpected()
            pendingReadEvents.removeAll()
        }
        if expectedIndex < expected.count {
            let f = Finding(rule: .replayDivergence, device: name, seq: lastSeq, line: lastLine, offset: nil,
                            message: "trace ends where the model still emits \(describe(expected[expectedIndex]))")
            diverged(f)
        }
        if let first = pendingReadEvents.first {
            divergence(first, "recorded \(describe(first.event)) without the io_read that ends a read")
        }
        for f in rules.incomplete(at: "end of the trace") + rules.endState() {
            report(Finding(rule: f.rule, device: name, seq: nil, line: nil, offset: f.offset, message: f.message))
        }
        if let variables {
            variableStores = variables.finish()
            reportVariables()
        }
    }

    /// Hands the variable stores' findings to the engine.
    private func reportVariables() {
        guard let variables, !variables.findings.isEmpty else { return }
        for f in variables.takeFindings() {
            report(Finding(rule: f.kind == .lossWindow ? .variableLossWindow : .writeOutsideVariableStore, device: name,
                           seq: f.at.seq, line: f.at.line, offset: f.offset.map { UInt64($0) }, message: f.message))
        }
    }

    // MARK: helpers

    /// Hands an input and the model's events to the observer, before the rules report on it.
    @inline(__always) private func notify(_ item: Located, _ events: [FlashEvent], _ changes: [ArrayEffect]) {
        guard let observer else { return }
        observer.replayed(ReplayStep(device: index, record: item.record(device: name), line: item.line, events: events,
                                     effects: changes, idle: device.isAtRest))
    }

    /// Counts an input's events and the array changes they make (asked of the model's
    /// ArrayEffects, once): statistics, the known-bytes map, and the observer's step.
    private func account(_ item: Located, _ events: [FlashEvent]) {
        stats.countOther(events)
        if !changes.isEmpty { changes.removeAll(keepingCapacity: true) }
        for e in events where ArrayEffects.concerns(e.kind) { effects.apply(e, into: &changes) }
        // Whether the variable stores need to see this input: always once the device holds one,
        // else only for a change that may write an FV header (tested here, in the loop that is
        // there anyway: a trace without a store pays a comparison per change and no call).
        var low = UInt64.max, high: UInt64 = 0
        for effect in changes {
            stats.count(effect)
            if case .stored = effect, !effects.storesReplace {} else { known.mark(effect.range.start, effect.range.count) }
            low = min(low, effect.range.start)
            high = max(high, effect.range.end)
        }
        if let variables, !changes.isEmpty, variables.watching || variables.mayFormat(ByteRange(start: low, end: high), device) {
            variables.changed(changes, storage: device.storage, at: TracePlace(seq: item.seq, line: item.line))
            reportVariables()
        }
        notify(item, events, changes)
    }

    private func divergence(_ item: Located, _ message: String) {
        diverged(Finding(rule: .replayDivergence, device: name, seq: item.seq, line: item.line,
                         offset: nil, message: message))
    }
}

extension UInt64 {
    /// 1, 2 or 4: the sizes the bus hands a device (spec §1.3).
    @inline(__always) var isAccessSize: Bool { self == 1 || self == 2 || self == 4 }
}

extension EventKind {
    /// The events that are bus accesses: their offset and size come from the trace and reach the model.
    @inline(__always) var isAccess: Bool { self == .ioWrite || self == .ioRead || self == .outerWrite || self == .outerRead }
}

/// A finding before it is placed in the trace.
struct PendingFinding {
    var rule: Rule
    var offset: UInt64?
    var message: String

    func at(_ item: Located, device: String) -> Finding {
        Finding(rule: rule, device: device, seq: item.seq, line: item.line, offset: offset, message: message)
    }
}

/// Event equality for replay. `sector_erase_start`'s widths are the printf field width QEMU
/// derives from the `width` property; a QEMU log cannot carry them when the address is wider
/// than the field, so only the sector bounds are compared.
@inline(__always)
func sameEvent(_ model: FlashEvent, _ recorded: FlashEvent) -> Bool {
    if model.kind == .sectorEraseStart && recorded.kind == .sectorEraseStart {
        return model.start == recorded.start && model.end == recorded.end
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
