import FlashModel

// One variable store followed through a replay: every input that changes its bytes is walked
// (StoreArea) and the copies lost and gained become operations per variable, rewrites of the
// store, and loss windows. The rules, in the order EDK2's variable driver writes:
//   - a copy becomes live while the variable has none: add;
//   - while another copy is in the store (added, or in deleted transition): update;
//   - with no other copy, its value unchanged: a reclaim or block rewrite putting it back;
//   - the last copy's state goes to deleted: delete. A copy rewritten as deleted after an erase
//     is a delete too, decided when the rewrite ends (a later copy may still come back).
// A live variable with no complete copy of its value in the store or the spare block is in a
// loss window: a power cut then loses it.

/// A finding about variables, placed in the trace (the analysis turns it into its Finding).
public struct VariableFinding: Sendable {
    public enum Kind: Sendable { case lossWindow, writeOutside }
    public var kind: Kind
    public var at: TracePlace
    public var offset: Int?
    public var message: String
}

final class VariableTrack {
    let key: VarKey
    var value: VarValue?
    var attributes: UInt32 = 0
    var history: [VariableOp] = []
    var copies: [(area: AreaKind, offset: Int, value: VarValue)] = []
    var dataBytes: UInt64 = 0
    var changedBytes: UInt64 = 0
    var programmedBytes: UInt64 = 0
    var rewrites = 0

    init(key: VarKey) { self.key = key }

    var hasStoreCopy: Bool { copies.contains { $0.area == .store } }
    var isCovered: Bool { value.map { v in copies.contains { $0.value == v } } ?? true }

    func record(_ kind: VariableOpKind, _ at: TracePlace?, _ v: VarValue?) {
        if let v, kind != .initial {
            dataBytes += UInt64(v.data.count)
            changedBytes += UInt64(Self.changed(value?.data ?? [], v.data))
        }
        history.append(VariableOp(kind: kind, at: at, attributes: v?.attributes ?? attributes, data: v?.data ?? []))
        if let v { attributes = v.attributes }
        value = v
    }

    func replaceInitial(_ v: VarValue) {
        history[history.count - 1] = VariableOp(kind: .initial, at: nil, attributes: v.attributes, data: v.data)
        value = v
        attributes = v.attributes
    }

    static func changed(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var n = abs(a.count - b.count)
        for i in 0..<min(a.count, b.count) where a[i] != b[i] { n += 1 }
        return n
    }
}

struct OpenRewrite {
    var start: TracePlace
    var throughSpare: Bool
    /// Offsets of the live copies the erase took, by variable.
    var vanished: [Int: VarKey] = [:]
    var compacting = false
    var deletes: [VarKey] = []
}

final class StoreTracker {
    let device: String
    private(set) var layout: StoreLayout
    let partial: Bool
    let foundAt: TracePlace?
    private var pending: PendingBytes
    private var store: StoreArea
    private var spare: StoreArea?
    private var tracks: [VarKey: VariableTrack] = [:]
    private var order: [VarKey] = []
    private var cost = StoreCost()
    private var rewrites: [StoreRewrite] = []
    private var open: OpenRewrite?
    private var spareSince: TracePlace?
    private var usedAfterReclaim = 0
    private let fillStart: StoreFill
    /// Variables without a complete copy, and the window they are in.
    private var uncovered: Set<VarKey> = []
    private var window: (start: TracePlace, names: [String])?
    var findings: [VariableFinding] = []

    /// A store found in the initial image (`at` nil: its copies are `initial`) or formatted by
    /// the input at `at` (its copies are adds).
    /// `written`: for a store found during the trace, the ranges the finding input stored.
    init(device: String, layout: StoreLayout, contents c: Contents, partial: Bool, at: TracePlace?, written: [Range<Int>] = []) {
        self.device = device
        self.layout = layout
        self.partial = partial
        foundAt = at
        pending = PendingBytes(start: layout.fvOffset, count: layout.fvLength)
        if at != nil {
            // Headers written during the trace are the start of a format or of a block being
            // rewritten after an erase: what follows them is not there until the trace writes it.
            pending.set(layout.fvOffset..<layout.fvEnd, true)
            for r in written { pending.set(r, false) }
        }
        store = StoreArea(kind: .store, headerOffset: layout.storeOffset, limit: layout.storeEnd, authenticated: layout.authenticated)
        let changes = store.rewalk(c, changed: layout.fvOffset..<layout.storeEnd, pending: pending)
        fillStart = store.fill
        spare = makeSpare()
        let spareChanges = spare.map { s -> AreaChanges in
            var s = s
            let ch = s.rewalk(c, changed: s.headerOffset..<s.limit, pending: pending)
            spare = s
            return ch
        }
        settle(changes, spareChanges, at: at, initial: at == nil)
    }

    private func makeSpare() -> StoreArea? {
        guard let s = layout.spare else { return nil }
        let header = s.lowerBound + (layout.storeOffset - layout.fvOffset)
        let limit = min(s.upperBound, s.lowerBound + (layout.storeEnd - layout.fvOffset))
        guard header + StoreHeader.size <= limit else { return nil }
        return StoreArea(kind: .spare, headerOffset: header, limit: limit, authenticated: layout.authenticated)
    }

    /// The input at `at` changed the device's array.
    func changed(_ effects: [ArrayEffect], contents c: Contents, at: TracePlace) {
        let fv = layout.fvOffset..<layout.fvEnd
        var storeHull: Range<Int>?, spareHull: Range<Int>?
        var erasedStore = false, workingTouched = false
        let storeRange = layout.fvOffset..<layout.storeEnd
        for e in effects {
            let r = Self.clamp(e.range)
            guard r.overlaps(fv) else { continue }
            let inFV = r.clamped(to: fv)
            switch e {
            case .stored:
                pending.set(inFV, false)
                cost.programmedBytes += UInt64(inFV.count)
                if let s = layout.spare { cost.programmedInSpare += UInt64(inFV.clamped(to: s).count) }
                if let w = layout.working { cost.programmedInWorking += UInt64(inFV.clamped(to: w).count) }
            case .erased:
                pending.set(inFV, true)
                cost.erasedBytes += UInt64(inFV.count)
                cost.erasesPerBlock[r.lowerBound, default: 0] += 1
                if r.overlaps(storeRange) { erasedStore = true }
                // A reclaim through FTW starts by erasing the spare block.
                if let s = layout.spare, r.overlaps(s), open == nil { spareSince = at }
            }
            if r.overlaps(storeRange) { storeHull = Self.hull(storeHull, r.clamped(to: storeRange)) }
            if let s = layout.spare, r.overlaps(s) { spareHull = Self.hull(spareHull, r.clamped(to: s)) }
            if layout.working.map({ r.overlaps($0) }) ?? (r.lowerBound >= layout.storeEnd) { workingTouched = true }
        }
        if erasedStore && open == nil {
            // Through the spare only if the spare holds an image of the store by now.
            let through = spare?.valid ?? false
            open = OpenRewrite(start: through ? spareSince ?? at : at, throughSpare: through)
        }
        if spareHull != nil && open == nil && spareSince == nil { spareSince = at }
        if workingTouched && relocateWorking(c), let s = spare { spareHull = s.headerOffset..<s.limit }
        var storeChanges = AreaChanges(), spareChanges: AreaChanges?
        if let h = storeHull { storeChanges = store.rewalk(c, changed: h, pending: pending) }
        if let h = spareHull, var s = spare {
            spareChanges = s.rewalk(c, changed: h, pending: pending)
            spare = s
        }
        guard storeHull != nil || spareChanges != nil else { return }
        settle(storeChanges, spareChanges, at: at, initial: false)
        if let o = open, store.valid, !pending.any(layout.fvOffset..<store.usedEnd),
           tracks.values.allSatisfy({ $0.value == nil || $0.hasStoreCopy || o.deletes.contains($0.key) }) {
            closeRewrite(at)
        }
    }

    /// The working block's header may be written (first boot) or moved during the trace.
    private func relocateWorking(_ c: Contents) -> Bool {
        var l = layout
        l.findWorkingBlock(c)
        guard l.working != layout.working || l.spare != layout.spare else { return false }
        layout = l
        // The spare's copies are what it holds from now on; walk it whole.
        if let old = spare {
            let lost = old.records.compactMap { w in w.copy.map { AreaChanges.Loss(offset: w.record.offset, copy: $0, deleted: false) } }
            for loss in lost { tracks[loss.copy.key]?.copies.removeAll { $0.area == .spare && $0.offset == loss.offset } }
        }
        spare = makeSpare()
        return true
    }

    private func settle(_ s: AreaChanges, _ sp: AreaChanges?, at: TracePlace?, initial: Bool) {
        var touched: [VarKey] = []
        var deleted: [VarKey] = []
        for loss in s.lost {
            tracks[loss.copy.key]?.copies.removeAll { $0.area == .store && $0.offset == loss.offset }
            touched.append(loss.copy.key)
            if loss.deleted { deleted.append(loss.copy.key) } else { open?.vanished[loss.offset] = loss.copy.key }
        }
        for loss in sp?.lost ?? [] {
            tracks[loss.copy.key]?.copies.removeAll { $0.area == .spare && $0.offset == loss.offset }
            touched.append(loss.copy.key)
        }
        for d in s.appearedDeleted where open?.vanished[d.offset] == d.key {
            open?.deletes.append(d.key)
        }
        var gainedKeys = Set<VarKey>()
        for g in s.gained {
            let t = track(g.copy.key)
            let otherStore = t.hasStoreCopy
            t.copies.append((.store, g.offset, g.copy.value))
            touched.append(t.key)
            gainedKeys.insert(t.key)
            if initial {
                // Of two copies in the initial image the later one is the value: the earlier is
                // in deleted transition (an update the previous boot did not finish).
                if t.value == nil { t.record(.initial, nil, g.copy.value) } else { t.replaceInitial(g.copy.value) }
                continue
            }
            t.programmedBytes += UInt64(g.extent)
            if t.value == nil {
                t.record(.add, at, g.copy.value)
            } else if otherStore || t.value != g.copy.value {
                t.record(.update, at, g.copy.value)
            } else {
                t.rewrites += 1
                if var o = open {
                    if o.vanished.first(where: { $0.value == t.key })?.key != g.offset { o.compacting = true }
                    open = o
                }
            }
        }
        for g in sp?.gained ?? [] {
            track(g.copy.key).copies.append((.spare, g.offset, g.copy.value))
            touched.append(g.copy.key)
        }
        for key in deleted where !gainedKeys.contains(key) {
            if let t = tracks[key], !t.hasStoreCopy, t.value != nil { t.record(.delete, at, nil) }
        }
        if let at { cover(touched, at) }
    }

    private func track(_ key: VarKey) -> VariableTrack {
        if let t = tracks[key] { return t }
        let t = VariableTrack(key: key)
        tracks[key] = t
        order.append(key)
        return t
    }

    /// Opens or closes the loss window as variables lose and regain complete copies.
    private func cover(_ keys: [VarKey], _ at: TracePlace) {
        for key in keys {
            guard let t = tracks[key] else { continue }
            if t.isCovered {
                uncovered.remove(key)
            } else if uncovered.insert(key).inserted {
                if window == nil { window = (at, []) }
                if !(window!.names.contains(key.name)) { window!.names.append(key.name) }
            }
        }
        if uncovered.isEmpty, let w = window {
            window = nil
            report(w.start, to: at, names: w.names)
        }
    }

    private func report(_ start: TracePlace, to end: TracePlace?, names: [String]) {
        let shown = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? " and \(names.count - 8) more" : "")
        let range = end.map { "seq \(start.seq)–\($0.seq)" } ?? "seq \(start.seq) to the end of the trace (never rewritten)"
        findings.append(VariableFinding(kind: .lossWindow, at: start, offset: layout.storeOffset,
                                        message: "\(names.count) live variable\(names.count == 1 ? "" : "s") (\(shown)) had no complete copy anywhere on the flash (store or FTW spare) in \(range): a power loss there loses \(names.count == 1 ? "it" : "them")"))
    }

    private func closeRewrite(_ at: TracePlace) {
        guard let o = open else { return }
        open = nil
        spareSince = nil
        for key in o.deletes {
            if let t = tracks[key], !t.hasStoreCopy, t.value != nil { t.record(.delete, at, nil) }
        }
        cover(o.deletes, at)
        rewrites.append(StoreRewrite(start: o.start, end: at, compacting: o.compacting, throughSpare: o.throughSpare))
        if o.compacting { usedAfterReclaim = store.fill.used }
    }

    /// The view at the end of the trace; an open loss window is reported as never closed.
    func finish() -> VariableStoreView {
        if let w = window {
            window = nil
            report(w.start, to: nil, names: w.names)
        }
        if let o = open {
            rewrites.append(StoreRewrite(start: o.start, end: nil, compacting: o.compacting, throughSpare: o.throughSpare))
        }
        let vars = order.compactMap { tracks[$0] }.map { t in
            VariableView(name: t.key.name, guid: t.key.guid, attributes: t.attributes, history: t.history,
                         dataBytes: t.dataBytes, changedBytes: t.changedBytes, programmedBytes: t.programmedBytes,
                         rewrites: t.rewrites)
        }
        var view = VariableStoreView(device: device, layout: layout, partial: partial, foundAt: foundAt, variables: vars,
                                     rewrites: rewrites, cost: cost, fillStart: fillStart, fillEnd: store.fill)
        view.usedAfterLastReclaim = usedAfterReclaim
        return view
    }

    static func clamp(_ r: ByteRange) -> Range<Int> {
        let lo = Int(min(r.start, UInt64(Int.max / 2))), hi = Int(min(r.end, UInt64(Int.max / 2)))
        return lo..<max(lo, hi)
    }

    static func hull(_ a: Range<Int>?, _ b: Range<Int>) -> Range<Int> {
        guard let a else { return b }
        return min(a.lowerBound, b.lowerBound)..<max(a.upperBound, b.upperBound)
    }
}
