import FlashModel

// The variable stores of one device through a replay: found in the initial image, or when the
// trace formats one (a first boot writes the FV header and the store header); every array
// change is handed to the stores it touches. A change that touches no variable area of a device
// that holds a store is a `write-outside-variable-store` finding, one per run of such inputs.

public final class DeviceVariables {
    public let device: String
    /// Whether an image gave the initial contents (without one the view is partial).
    let imageKnown: Bool
    private var stores: [StoreTracker] = []
    /// Writes and erases made before any store was found, coalesced (bounded): checked against
    /// the store once the trace formats one.
    private var early: [(range: Range<Int>, at: TracePlace)] = []
    private static let earlyLimit = 1024
    private var outsideRun: (at: TracePlace, span: Range<Int>, inputs: Int)?
    /// FVs the firmware formatted inside a store's FV (reported once each).
    private var foreign: Set<Int> = []
    /// Findings not yet taken by the replay.
    public private(set) var findings: [VariableFinding] = []

    public init(device: String, storage: Storage, imageKnown: Bool) {
        self.device = device
        self.imageKnown = imageKnown
        let c = Contents(storage: storage)
        var fv = 0
        while fv + FVHeader.signatureOffset + 4 <= storage.count {
            if let layout = StoreLayout.find(c, at: fv) {
                stores.append(StoreTracker(device: device, layout: layout, contents: c, partial: !imageKnown, at: nil))
                fv = max(fv + StoreLayout.alignment, (layout.fvEnd + StoreLayout.alignment - 1) / StoreLayout.alignment * StoreLayout.alignment)
            } else {
                fv += StoreLayout.alignment
            }
        }
    }

    public var hasStores: Bool { !stores.isEmpty }

    /// The input at `at` made `effects` (the model's ArrayEffects, chip offsets); `storage` holds
    /// the contents after it.
    public func changed(_ effects: [ArrayEffect], storage: Storage, at: TracePlace) {
        let c = Contents(storage: storage)
        for e in effects { discover(StoreTracker.clamp(e.range), c, at) }
        var outside: Range<Int>?
        for e in effects {
            let r = StoreTracker.clamp(e.range)
            guard !r.isEmpty else { continue }
            if stores.isEmpty {
                remember(r, at)
            } else if let o = stores.lazy.compactMap({ $0.layout.outside(r) }).first,
                      stores.allSatisfy({ $0.layout.outside(r) != nil }) {
                outside = StoreTracker.hull(outside, o)
            }
        }
        for s in stores { s.changed(effects, contents: c, at: at) }
        if let o = outside {
            if var run = outsideRun {
                run.span = StoreTracker.hull(run.span, o)
                run.inputs += 1
                outsideRun = run
            } else {
                outsideRun = (at, o, 1)
            }
        } else if outsideRun != nil {
            endOutsideRun()
        }
        for s in stores where !s.findings.isEmpty {
            findings += s.findings
            s.findings.removeAll()
        }
    }

    /// Findings handed over; the replay calls this after each change.
    public func takeFindings() -> [VariableFinding] {
        defer { findings.removeAll() }
        return findings
    }

    /// A change touching the first bytes of an aligned block may have written an FV header.
    private func discover(_ r: Range<Int>, _ c: Contents, _ at: TracePlace) {
        let a = StoreLayout.alignment
        var fv = r.lowerBound / a * a
        while fv < r.upperBound && fv + FVHeader.signatureOffset + 4 <= c.storage.count {
            defer { fv += a }
            guard fv + FVHeader.watchedBytes > r.lowerBound, !stores.contains(where: { $0.layout.fvOffset == fv }),
                  let header = FVHeader(Contents(storage: c.storage), at: fv) else { continue }
            // An FV of the same length inside a store's FV is its image in the spare block (a
            // reclaim through FTW). Any other FV written there is the firmware formatting its
            // own layout over the image's: a firmware built for another vars file.
            let host = stores.first { ($0.layout.fvOffset..<$0.layout.fvEnd).contains(fv) }
            if let host {
                if Int(clamping: header.length) == host.layout.fvLength && fv >= host.layout.storeEnd { continue }
                if foreign.insert(fv).inserted {
                    findings.append(VariableFinding(kind: .writeOutside, at: at, offset: fv,
                                                    message: "the firmware formats a firmware volume at 0x\(String(fv, radix: 16)) (0x\(String(header.length, radix: 16)) bytes) inside the variable-store FV the image holds at 0x\(String(host.layout.fvOffset, radix: 16)) (0x\(String(host.layout.fvLength, radix: 16)) bytes): the firmware's flash layout does not match this image (a vars file made for another build)"))
                }
            }
            if let layout = StoreLayout.find(c, at: fv) {
                stores.append(StoreTracker(device: device, layout: layout, contents: c, partial: !imageKnown, at: at))
                checkEarly(layout)
            }
        }
    }

    private func remember(_ r: Range<Int>, _ at: TracePlace) {
        if let last = early.last, last.range.upperBound >= r.lowerBound && r.upperBound >= last.range.lowerBound {
            early[early.count - 1].range = StoreTracker.hull(last.range, r)
        } else if early.count < Self.earlyLimit {
            early.append((r, at))
        }
    }

    private func checkEarly(_ layout: StoreLayout) {
        for e in early {
            if let o = layout.outside(e.range) {
                findings.append(outsideFinding(e.at, o, inputs: nil))
            }
        }
        early.removeAll()
    }

    private func endOutsideRun() {
        guard let run = outsideRun else { return }
        outsideRun = nil
        findings.append(outsideFinding(run.at, run.span, inputs: run.inputs))
    }

    private func outsideFinding(_ at: TracePlace, _ span: Range<Int>, inputs: Int?) -> VariableFinding {
        let s = stores.map { l in
            let v = l.layout
            return "FV 0x\(String(v.fvOffset, radix: 16))–0x\(String(v.fvEnd, radix: 16)), store to 0x\(String(v.storeEnd, radix: 16))"
                + (v.working.map { ", FTW working 0x\(String($0.lowerBound, radix: 16))" } ?? "")
                + (v.spare.map { ", spare 0x\(String($0.lowerBound, radix: 16))–0x\(String($0.upperBound, radix: 16))" } ?? "")
        }.joined(separator: "; ")
        let what = inputs.map { $0 == 1 ? "a write or erase" : "\($0) consecutive writes or erases" } ?? "writes or erases before the store was formatted"
        return VariableFinding(kind: .writeOutside, at: at, offset: span.lowerBound,
                               message: "\(what) at 0x\(String(span.lowerBound, radix: 16))–0x\(String(span.upperBound, radix: 16)) outside the variable store and its FTW areas (\(s)): the firmware's flash layout does not match this image")
    }

    /// The views at the end of the trace (and the last findings: open loss windows, a run of
    /// outside writes).
    public func finish() -> [VariableStoreView] {
        endOutsideRun()
        let views = stores.map { $0.finish() }
        for s in stores {
            findings += s.findings
            s.findings.removeAll()
        }
        return views
    }
}
