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
                watching = true
                fv = max(fv + StoreLayout.alignment, (layout.fvEnd + StoreLayout.alignment - 1) / StoreLayout.alignment * StoreLayout.alignment)
            } else {
                fv += StoreLayout.alignment
            }
        }
    }

    /// Whether the replay must hand this device's changes over: once it holds a store, all of them.
    public private(set) var watching = false

    /// Before a store is known, a change that touches the first bytes of an aligned block may
    /// write an FV header (the replay tests this for every change, so it is inlined).
    @inlinable
    public static func mayWriteHeader(_ r: ByteRange) -> Bool {
        let inBlock = r.start & 0xFFF
        return inBlock < 0x100 || r.end &- r.start > 0x1000 - inBlock
    }

    /// Whether such a change reaches a block with the FV signature's first byte.
    public func mayFormat(_ r: ByteRange, _ device: FlashDevice) -> Bool {
        Self.mayWriteHeader(r) && Self.maySign(device.storage, r)
    }

    /// Whether an aligned block the change reaches (inside the storage) has the FV signature's
    /// first byte: one load per block.
    static func maySign(_ storage: Storage, _ r: ByteRange) -> Bool {
        let end = min(r.end, UInt64(storage.count))
        var fv = r.start & ~0xFFF
        while fv < end {
            if storage.byte(at: Int(fv) + 0x28) == 0x5F { return true }
            fv += 0x1000
        }
        return false
    }

    /// The input at `at` made `effects` (the model's ArrayEffects, chip offsets); `storage` holds
    /// the contents after it.
    public func changed(_ effects: [ArrayEffect], storage: Storage, at: TracePlace) {
        for e in effects {
            let r = StoreTracker.clamp(e.range)
            if Self.mayWriteHeader(e.range) && Self.maySign(storage, e.range) { discover(r, Contents(storage: storage), at, effects) }
        }
        if stores.isEmpty { return }
        var outside: Range<Int>?
        for e in effects {
            let r = StoreTracker.clamp(e.range)
            guard !r.isEmpty else { continue }
            if let o = stores.lazy.compactMap({ $0.layout.outside(r) }).first,
               stores.allSatisfy({ $0.layout.outside(r) != nil }) {
                outside = StoreTracker.hull(outside, o)
            }
        }
        let c = Contents(storage: storage)
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
    private func discover(_ r: Range<Int>, _ c: Contents, _ at: TracePlace, _ effects: [ArrayEffect]) {
        let a = StoreLayout.alignment
        var fv = r.lowerBound / a * a
        while fv < r.upperBound && fv + FVHeader.signatureOffset + 4 <= c.storage.count {
            defer { fv += a }
            guard fv + FVHeader.watchedBytes > r.lowerBound, FVHeader.isSigned(c, at: fv),
                  !stores.contains(where: { $0.layout.fvOffset == fv }), let header = FVHeader(c, at: fv) else { continue }
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
                let written = effects.compactMap { e -> Range<Int>? in if case .stored(let b) = e { return StoreTracker.clamp(b) } else { return nil } }
                stores.append(StoreTracker(device: device, layout: layout, contents: c, partial: !imageKnown, at: at, written: written))
                watching = true
            }
        }
    }


    private func endOutsideRun() {
        guard let run = outsideRun else { return }
        outsideRun = nil
        findings.append(outsideFinding(run.at, run.span, inputs: run.inputs))
    }

    private func outsideFinding(_ at: TracePlace, _ span: Range<Int>, inputs: Int) -> VariableFinding {
        let s = stores.map { l in
            let v = l.layout
            return "FV 0x\(String(v.fvOffset, radix: 16))–0x\(String(v.fvEnd, radix: 16)), store to 0x\(String(v.storeEnd, radix: 16))"
                + (v.working.map { ", FTW working 0x\(String($0.lowerBound, radix: 16))" } ?? "")
                + (v.spare.map { ", spare 0x\(String($0.lowerBound, radix: 16))–0x\(String($0.upperBound, radix: 16))" } ?? "")
        }.joined(separator: "; ")
        let what = inputs == 1 ? "a write or erase" : "\(inputs) consecutive writes or erases"
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
