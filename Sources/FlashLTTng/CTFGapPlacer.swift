import FlashTraceIO

// Where a loss goes in the replayed sequence. LTTng writes one stream per CPU and reports
// discarded events per stream, with a time range; babeltrace2's muxer sorts that report by the
// range's start, so events the process wrote on another CPU inside the range come after it
// although they precede the loss. Replay must resynchronise exactly where events are missing,
// and every event carries `seq`, so a gap is reported where `seq` jumps, with the jump as its
// count and the time range of the tracer's pending reports. Reported losses never located by a
// jump (a lost device_config, or events of other providers in the channel) are reported at the
// end, so the gap counts always add up to the tracer's own total.

struct CTFGapPlacer {
    private var pending: UInt64 = 0
    private var from: UInt64?
    private var to: UInt64?
    private var lastSeq: UInt64?

    /// A discarded-events record of the tracer.
    mutating func discarded(count: UInt64, from f: UInt64?, to t: UInt64?) {
        pending += count
        if let f { from = min(from ?? f, f) }
        if let t { to = max(to ?? t, t) }
    }

    /// The gap to report before the record numbered `seq`, if events before it are missing.
    mutating func gap(before seq: UInt64) throws(CTFMapError) -> TraceItem? {
        defer { lastSeq = seq }
        guard let last = lastSeq else { return nil }  // a trace may start late: not a gap
        guard seq > last else {
            throw CTFMapError("seq \(seq) after \(last): events out of order (the trace holds more than one recording?)")
        }
        guard seq > last + 1 else { return nil }
        let missing = seq - last - 1
        let item = TraceItem.gap(count: missing, from: from, to: to)
        pending -= min(pending, missing)
        if pending == 0 { from = nil; to = nil }
        return item
    }

    /// Losses the tracer reported that no seq jump accounted for.
    mutating func remainder() -> TraceItem? {
        guard pending > 0 else { return nil }
        defer { pending = 0; from = nil; to = nil }
        return .gap(count: pending, from: from, to: to)
    }
}
