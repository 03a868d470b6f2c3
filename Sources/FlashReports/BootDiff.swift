import FlashAnalysis

// `flashtrace diff A B`: what changed from one boot to the next. Both traces are replayed the
// usual way; this compares the results: per device the counts and the smallest safe image, per
// erase block the writes, bytes programmed and erases, the findings one boot has and the other
// has not, and where the two command streams part (CommandStreamComparer).

public struct BootSide: Sendable {
    public var trace: String
    public var report: ReplayReport
    public var activity: ReplayActivity

    public init(trace: String, report: ReplayReport, activity: ReplayActivity) {
        self.trace = trace; self.report = report; self.activity = activity
    }
}

/// A block's figures that the diff compares (errors and warnings are compared as findings).
public struct BlockFigures: Sendable, Equatable {
    public var writes = 0
    public var stores = 0
    public var bytes: UInt64 = 0
    public var erases = 0

    init(_ c: BlockCounts?) {
        guard let c else { return }
        writes = c.writes; stores = c.stores; bytes = c.bytes; erases = c.erases
    }
}

public struct BlockChange: Sendable {
    public var offset: UInt64
    public var length: UInt64
    public var a: BlockFigures
    public var b: BlockFigures
}

public struct DeviceChange: Sendable {
    public var name: String
    public var a: DeviceStats?
    public var b: DeviceStats?
    public var blocks: [BlockChange]

    /// Any figure of the device differs (or it is in one boot only).
    public var changed: Bool {
        guard let a, let b else { return true }
        return !blocks.isEmpty || DeviceChange.figures(a) != DeviceChange.figures(b)
    }

    static func figures(_ d: DeviceStats) -> [UInt64] {
        [UInt64(d.writes), UInt64(d.reads), UInt64(d.programs), UInt64(d.bufferWrites), UInt64(d.erases),
         UInt64(d.statusPolls), UInt64(d.outerReads + d.outerWrites), d.writtenEnd, d.erasedEnd, d.readEnd,
         d.smallestSafeImage]
    }
}

public struct CountChange: Sendable {
    /// "device/rule", as in the report's counts.
    public var key: String
    public var rule: Rule
    public var a: Int
    public var b: Int
}

public struct BootDiff: Sendable {
    public let a: BootSide
    public let b: BootSide
    public let devices: [DeviceChange]
    /// Findings of one boot with no counterpart (same device, rule and offset) in the other.
    public let onlyA: [Finding]
    public let onlyB: [Finding]
    public let counts: [CountChange]
    public let streams: [StreamParting]

    public init(a: BootSide, b: BootSide, streams: [StreamParting]) {
        self.a = a
        self.b = b
        self.streams = streams
        devices = BootDiff.compareDevices(a, b)
        (onlyA, onlyB) = BootDiff.unmatched(a.report.findings, b.report.findings)
        var keys = Set(a.report.counts.keys)
        keys.formUnion(b.report.counts.keys)
        counts = keys.sorted().compactMap { key in
            let na = a.report.counts[key, default: 0], nb = b.report.counts[key, default: 0]
            guard na != nb, let rule = Rule(rawValue: String(key[key.index(after: key.lastIndex(of: "/")!)...])) else { return nil }
            return CountChange(key: key, rule: rule, a: na, b: nb)
        }
    }

    public var isEmpty: Bool {
        !devices.contains { $0.changed } && onlyA.isEmpty && onlyB.isEmpty && counts.isEmpty && streams.isEmpty
    }

    /// Findings of `severity` that B has and A has not: unmatched listed findings, or a larger
    /// count for the same device and rule (findings beyond the report's cap are only counted).
    public func new(_ severity: Severity) -> Int { added(severity, onlyB, from: a.report, to: b.report) }
    public func gone(_ severity: Severity) -> Int { added(severity, onlyA, from: b.report, to: a.report) }

    private func added(_ severity: Severity, _ unmatched: [Finding], from: ReplayReport, to: ReplayReport) -> Int {
        var keys = Set(from.counts.keys)
        keys.formUnion(to.counts.keys)
        var total = 0
        for key in keys {
            guard let rule = Rule(rawValue: String(key[key.index(after: key.lastIndex(of: "/")!)...])),
                  rule.severity == severity else { continue }
            let listed = unmatched.filter { "\($0.device)/\($0.rule.rawValue)" == key }.count
            total += max(listed, to.counts[key, default: 0] - from.counts[key, default: 0])
        }
        return total
    }

    /// The earliest parting of the command streams (by A's position, else B's).
    public var firstParting: StreamParting? {
        streams.min { ($0.a?.seq ?? $0.b?.seq ?? .max) < ($1.a?.seq ?? $1.b?.seq ?? .max) }
    }

    // MARK: computing

    static func compareDevices(_ a: BootSide, _ b: BootSide) -> [DeviceChange] {
        var names = a.report.devices.map(\.name)
        for d in b.report.devices where !names.contains(d.name) { names.append(d.name) }
        return names.map { name in
            let sa = a.report.devices.first { $0.name == name }, sb = b.report.devices.first { $0.name == name }
            let aa = a.activity.devices.first { $0.name == name }, ab = b.activity.devices.first { $0.name == name }
            return DeviceChange(name: name, a: sa, b: sb, blocks: blockChanges(aa, ab))
        }
    }

    /// Blocks keyed by their start offset, so two boots with different geometry still compare.
    static func blockChanges(_ a: DeviceActivity?, _ b: DeviceActivity?) -> [BlockChange] {
        var table: [UInt64: (length: UInt64, a: BlockFigures, b: BlockFigures)] = [:]
        for (index, c) in a?.blocks ?? [:] {
            let g = a!.geometry, o = g.start(ofBlock: index)
            table[o, default: (g.length(ofBlock: index), BlockFigures(nil), BlockFigures(nil))].a = BlockFigures(c)
        }
        for (index, c) in b?.blocks ?? [:] {
            let g = b!.geometry, o = g.start(ofBlock: index)
            table[o, default: (g.length(ofBlock: index), BlockFigures(nil), BlockFigures(nil))].b = BlockFigures(c)
        }
        return table.filter { $0.value.a != $0.value.b }.sorted { $0.key < $1.key }
            .map { BlockChange(offset: $0.key, length: $0.value.length, a: $0.value.a, b: $0.value.b) }
    }

    /// Multiset difference by (device, rule, offset): lines and values move between boots.
    static func unmatched(_ a: [Finding], _ b: [Finding]) -> ([Finding], [Finding]) {
        func key(_ f: Finding) -> String { "\(f.device)|\(f.rule.rawValue)|\(f.offset.map { String($0) } ?? "-")" }
        var remaining: [String: Int] = [:]
        for f in b { remaining[key(f), default: 0] += 1 }
        var onlyA: [Finding] = []
        for f in a {
            let k = key(f)
            if remaining[k, default: 0] > 0 { remaining[k]! -= 1 } else { onlyA.append(f) }
        }
        var seen: [String: Int] = [:]
        for f in a { seen[key(f), default: 0] += 1 }
        var onlyB: [Finding] = []
        for f in b {
            let k = key(f)
            if seen[k, default: 0] > 0 { seen[k]! -= 1 } else { onlyB.append(f) }
        }
        return (onlyA, onlyB)
    }
}
