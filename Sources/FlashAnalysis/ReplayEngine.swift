import FlashEvents
import FlashModel
import FlashTraceIO
import FlashVariables

// The replay engine: one DeviceReplay per device, fed record by record. Memory stays constant
// in the trace's length: nothing per event is kept except the findings (divergence details are
// capped, the rest only counted).

public struct ReplayOptions: Sendable {
    /// Divergences shown in full; the rest are counted.
    public var divergenceDetails = 10
    /// Findings of one rule shown in full per device; the rest are counted.
    public var findingsPerRule = 200
    /// Devices whose geometry the user gave (--device, --board, --image): an access beyond the
    /// region is an `access-beyond-region` finding. For every other device the region is the
    /// trace's own declaration, and an access beyond it makes the trace malformed (ReplayError).
    public var beyondRegionIsFinding: Set<String> = []
    /// Device facts the replay assumed rather than read (inferred from a QEMU log): reported, and
    /// named in divergences of their device, since a wrong assumption is the likeliest cause.
    public var assumptions: [DeviceAssumption] = []
    /// Follow UEFI variable stores (the "UEFI variables" view and its rules).
    public var variables = true

    public init() {}
}

public struct ReplayError: Error, CustomStringConvertible, Sendable {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

public final class ReplayEngine {
    let options: ReplayOptions
    private var replays: [DeviceReplay] = []
    private var byName: [String: Int] = [:]
    private(set) var findings: [Finding] = []
    private var findingCounts: [String: Int] = [:]
    private(set) var divergences = 0
    private(set) var events = 0
    private var lastSeq: UInt64?
    private var lastLine: Int?
    private var suppressed = 0

    /// Optional listener for reports that need every input and finding (HTML maps and timelines,
    /// Chrome traces). Unset, the replay stays constant-memory and pays one nil check per input.
    public var observer: ReplayObserver? {
        didSet {
            for (i, r) in replays.enumerated() {
                r.observer = observer
                r.index = i
            }
        }
    }

    /// `images` holds initial contents by device name; a device without one starts unknown.
    public init(configs: [DeviceConfig], images: [String: [UInt8]], options: ReplayOptions = ReplayOptions()) throws {
        self.options = options
        for c in configs {
            let image = images[c.name]
            let device = try makeDevice(c, initial: image)
            let replay = DeviceReplay(device: device, imageLength: UInt64(image?.count ?? 0),
                                      beyondRegionIsFinding: options.beyondRegionIsFinding.contains(c.name),
                                      variables: options.variables,
                                      report: { [unowned self] in self.add($0) },
                                      diverged: { [unowned self] in self.addDivergence($0) })
            byName[c.name] = replays.count
            replays.append(replay)
        }
    }

    /// The device of the previous record: traces run long stretches on one device, and readers
    /// hand out the same String for the same name, so this usually spares the hashing.
    private var lastName = ""
    private var lastIndex = -1
    /// `replays[lastIndex]`, held without reference counting (the array keeps it alive):
    /// retaining the device's replay for every event cost more than the call.
    private var lastReplay: Unmanaged<DeviceReplay>?

    public func consume(_ record: TraceRecord, line: Int) throws {
        if lastIndex < 0 || record.device != lastName {
            guard let found = byName[record.device] else {
                throw ReplayError(line: line, message: "event names device \"\(record.device)\", which the header (or --device/--board) does not declare; known: \(byName.keys.sorted().joined(separator: ", "))")
            }
            lastName = record.device
            lastIndex = found
            lastReplay = Unmanaged.passUnretained(replays[found])
        }
        events += 1
        lastSeq = record.seq
        lastLine = line
        if let error = lastReplay!._withUnsafeGuaranteedRef({ $0.consume(Located(record: record, line: line)) }) { throw error }
    }

    /// Consumes every remaining item of a trace (generic, so the common readers run on their
    /// concrete type; see RecordSource.forEachItem).
    public func consumeAll<S: RecordSource>(_ input: inout S) throws {
        try input.forEachItem(record: { record, line in try consume(record, line: line) },
                              gap: { count, from, to, line in gap(count: count, from: from, to: to, line: line) })
    }

    /// The tracer lost `count` events: report it, and resynchronise every device (pending
    /// comparisons dropped; contents no longer trusted: later data reads are learnt again).
    public func gap(count: UInt64, from: UInt64?, to: UInt64?, line: Int) {
        var range = ""
        if let from, let to { range = " between \(from) ns and \(to) ns" }
        add(Finding(rule: .traceGap, device: "", seq: nil, line: line, offset: nil,
                    message: "the tracer discarded \(count) event\(count == 1 ? "" : "s")\(range); replay resynchronised after the gap"))
        for r in replays { r.resynchronise() }
    }

    private func add(_ f: Finding) {
        observer?.found(f)
        let key = "\(f.device)/\(f.rule.rawValue)"
        let n = findingCounts[key, default: 0]
        findingCounts[key] = n + 1
        if n < options.findingsPerRule { findings.append(f) } else { suppressed += 1 }
    }

    private func addDivergence(_ finding: Finding) {
        var f = finding
        // The device's own assumed facts, and the trace-wide ones (device ""): the QEMU version.
        let assumed = options.assumptions.filter { ($0.device == f.device || $0.device.isEmpty) && $0.fix != nil }
        if !assumed.isEmpty {
            f.message += "; assumed, not known: " + assumed.map(\.hint).joined(separator: "; ")
        }
        observer?.found(f)
        divergences += 1
        findingCounts["\(f.device)/\(f.rule.rawValue)", default: 0] += 1
        if divergences <= options.divergenceDetails { findings.append(f) }
    }

    /// Ends the replay. `truncatedLine` is the line of a torn last record, if any.
    public func finish(trace: String, truncatedLine: Int? = nil) -> ReplayReport {
        for r in replays { r.finish(lastSeq: lastSeq, lastLine: lastLine, truncated: truncatedLine != nil) }
        if let truncatedLine {
            findings.append(Finding(rule: .traceTruncated, device: "", seq: nil, line: truncatedLine, offset: nil,
                                    message: "line \(truncatedLine) is cut off (the recorder was probably killed mid-write); replayed up to line \(truncatedLine - 1)"))
            observer?.found(findings[findings.count - 1])
            findingCounts["/trace-truncated", default: 0] += 1
        }
        var errors = 0, warnings = 0
        for (key, n) in findingCounts {
            let rule = Rule(rawValue: String(key[key.index(after: key.lastIndex(of: "/")!)...]))!
            if rule.severity == .error { errors += n } else { warnings += n }
        }
        return ReplayReport(trace: trace, devices: replays.map(\.stats), findings: findings,
                            events: events, errors: errors, warnings: warnings, divergences: divergences,
                            counts: findingCounts, truncatedLine: truncatedLine, assumptions: options.assumptions,
                            variableStores: replays.flatMap(\.variableStores))
    }
}

public struct ReplayReport: Sendable {
    public var trace: String
    public var devices: [DeviceStats]
    /// Findings kept in full (divergences and very frequent rules are capped; see `counts`).
    public var findings: [Finding]
    public var events: Int
    public var errors: Int
    public var warnings: Int
    public var divergences: Int
    /// Number of findings per "device/rule", including those not kept in full.
    public var counts: [String: Int]
    public var truncatedLine: Int?
    /// What the replay assumed about devices (QEMU logs), with the evidence.
    public var assumptions: [DeviceAssumption] = []
    /// The UEFI variable stores found on the devices, with what the trace did to them.
    public var variableStores: [VariableStoreView] = []

    /// Total findings of a rule over all devices.
    public func count(_ rule: Rule) -> Int {
        counts.filter { $0.key.hasSuffix("/" + rule.rawValue) }.values.reduce(0, +)
    }

    public func worstSeverity() -> Severity? {
        errors > 0 ? .error : warnings > 0 ? .warning : nil
    }
}

/// A device fact replay did not read from the trace's header: inferred from evidence in the
/// trace, or taken from the board's convention where the trace holds none.
public struct DeviceAssumption: Sendable, Equatable {
    public var device: String
    /// The fact, in --device syntax where one applies ("readonly=on", "size=0x100000").
    public var fact: String
    /// Why: the evidence, or "no evidence: …".
    public var basis: String
    /// The --device option that states the other choice, when the fact may be wrong.
    public var fix: String?

    public init(device: String, fact: String, basis: String, fix: String? = nil) {
        self.device = device; self.fact = fact; self.basis = basis; self.fix = fix
    }

    /// One line for a divergence message.
    public var hint: String {
        (device.isEmpty ? "" : "\(device) ") + "\(fact) (\(basis))" + (fix.map { "; if that is wrong, pass \($0)" } ?? "")
    }
}
