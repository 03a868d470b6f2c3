// The byte fragments of an event line in canonical key order, precomputed once per kind: the
// writer copies them, the reader's fast path compares against them.
//   {"seq":N,"ts":NS,"dev":"virt.flash1","event":"io_write","offset":0,"size":4,"value":2097184,"wcycle":0}

import FlashEvents

struct JSONLinesSchema: @unchecked Sendable {
    struct Event: Sendable {
        /// `","event":"io_write"` (starting with the quote that closes the device name)
        let eventFragment: [UInt8]
        /// `,"offset":` per declared argument
        let argKeys: [[UInt8]]
        let argTypes: [ArgType]
    }

    /// A fragment inside `bytes`.
    struct Fragment {
        let start: Int
        let count: Int
    }

    static let seqKey = Array(#"{"seq":"#.utf8)
    static let tsKey = Array(#","ts":"#.utf8)
    static let devKey = Array(#","dev":""#.utf8)
    static let maxArguments = 5

    // The same fragments for the per-line hot path, in memory allocated once and never freed:
    // reading them costs no reference counting (arrays of arrays retain each element they hand out).
    let bytes: UnsafeMutableBufferPointer<UInt8>
    /// `kind * maxArguments + k` → the key of argument k.
    let keys: UnsafeMutableBufferPointer<Fragment>
    let types: UnsafeMutableBufferPointer<ArgType>
    /// `kind * maxArguments + k` → the largest value argument k may take (strings: no limit,
    /// their integer slot is unused).
    let maxima: UnsafeMutableBufferPointer<UInt64>
    let argumentCounts: UnsafeMutableBufferPointer<Int>
    /// Per kind: whether an argument is a string (`write`'s text).
    let hasText: UnsafeMutableBufferPointer<Bool>
    /// Per kind: `","event":"NAME"`.
    let eventFragments: UnsafeMutableBufferPointer<Fragment>
    /// `{"seq":`, `,"ts":`, `,"dev":"` and `","event":"` in `bytes`.
    let seqFragment: Fragment, tsFragment: Fragment, devFragment: Fragment, eventKeyFragment: Fragment

    /// Event names by the eight bytes that start them in a canonical line (the name, its closing
    /// quote and what the kind's line has next), open addressing over `nameSlots` slots: one
    /// multiply and a comparison or two find the kind, instead of scanning for the quote and
    /// looking the name up. Kinds whose window would run past a short line are not in it.
    static let nameSlots = 128
    let nameWindows: UnsafeMutableBufferPointer<UInt64>
    /// Per slot: the first candidate in `nameCandidates` and how many share the window.
    let nameSlotFirst: UnsafeMutableBufferPointer<Int>
    let nameSlotCount: UnsafeMutableBufferPointer<Int>
    let nameCandidates: UnsafeMutableBufferPointer<EventKind>

    @inline(__always)
    static func nameSlot(_ window: UInt64) -> Int { Int(truncatingIfNeeded: (window &* 0x9E37_79B9_7F4A_7C15) >> 57) }

    static let shared = JSONLinesSchema()

    private init() {
        // Only plain values are stored: copies of the schema (writers hold one) cost no
        // reference counting.
        let events = EventKind.allCases.map { kind in
            Event(eventFragment: Array(#"","event":"\#(kind.name)""#.utf8),
                  argKeys: kind.spec.args.map { Array(#","\#($0.name)":"#.utf8) },
                  argTypes: kind.spec.args.map(\.type))
        }
        var all: [UInt8] = []
        var fragments: [Fragment] = []
        var argTypes: [ArgType] = []
        var counts: [Int] = []
        var eventFragments: [Fragment] = []
        func add(_ b: [UInt8]) -> Fragment {
            defer { all += b }
            return Fragment(start: all.count, count: b.count)
        }
        seqFragment = add(Self.seqKey)
        tsFragment = add(Self.tsKey)
        devFragment = add(Self.devKey)
        eventKeyFragment = add(Array(#"","event":""#.utf8))
        for e in events {
            eventFragments.append(Fragment(start: all.count, count: e.eventFragment.count))
            all += e.eventFragment
            precondition(e.argKeys.count <= Self.maxArguments)
            for k in 0..<Self.maxArguments {
                if k < e.argKeys.count {
                    fragments.append(Fragment(start: all.count, count: e.argKeys[k].count))
                    all += e.argKeys[k]
                    argTypes.append(e.argTypes[k])
                } else {
                    fragments.append(Fragment(start: 0, count: 0))
                    argTypes.append(.u64)
                }
            }
            counts.append(e.argKeys.count)
        }
        // Sixteen bytes of padding: short fragments are compared as one masked word, and the
        // writer copies fragments as two words or more.
        all += [UInt8](repeating: 0, count: 16)
        bytes = .allocate(capacity: all.count)
        _ = bytes.initialize(from: all)
        keys = .allocate(capacity: fragments.count)
        _ = keys.initialize(from: fragments)
        types = .allocate(capacity: argTypes.count)
        _ = types.initialize(from: argTypes)
        maxima = .allocate(capacity: argTypes.count)
        _ = maxima.initialize(from: argTypes.map { $0 == .string ? .max : $0.maxValue })
        argumentCounts = .allocate(capacity: counts.count)
        _ = argumentCounts.initialize(from: counts)
        // The name table: windows in order of first appearance, candidates grouped per window.
        var windows: [(window: UInt64, kinds: [EventKind])] = []
        for kind in EventKind.allCases {
            let next: [UInt8] = kind.spec.args.first.map { Array(#","\#($0.name)":"#.utf8) } ?? [UInt8(ascii: "}")]
            let text = Array(kind.name.utf8) + [UInt8(ascii: "\"")] + next
            guard text.count >= 8 else { continue }
            let w = text.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            if let j = windows.firstIndex(where: { $0.window == w }) { windows[j].kinds.append(kind) } else { windows.append((w, [kind])) }
        }
        nameWindows = .allocate(capacity: Self.nameSlots)
        nameWindows.initialize(repeating: 0)
        nameSlotFirst = .allocate(capacity: Self.nameSlots)
        nameSlotFirst.initialize(repeating: 0)
        nameSlotCount = .allocate(capacity: Self.nameSlots)
        nameSlotCount.initialize(repeating: 0)
        let candidates = windows.flatMap(\.kinds)
        nameCandidates = .allocate(capacity: candidates.count)
        _ = nameCandidates.initialize(from: candidates)
        var first = 0
        precondition(windows.count < Self.nameSlots / 2)
        for (w, kinds) in windows {
            var slot = Self.nameSlot(w)
            while nameWindows[slot] != 0 { slot = (slot + 1) & (Self.nameSlots - 1) }
            nameWindows[slot] = w
            nameSlotFirst[slot] = first
            nameSlotCount[slot] = kinds.count
            first += kinds.count
        }
        hasText = .allocate(capacity: events.count)
        _ = hasText.initialize(from: events.map { $0.argTypes.contains(.string) })
        self.eventFragments = .allocate(capacity: eventFragments.count)
        _ = self.eventFragments.initialize(from: eventFragments)
    }

    /// The bytes of a fragment.
    @inline(__always)
    func bytes(of f: Fragment) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes.baseAddress! + f.start, count: f.count)
    }

    /// Whether `p[i...]` starts with fragment `f`; advances past it.
    @inline(__always)
    func match(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ f: Fragment) -> Bool {
        guard ByteText.startsWith(p.baseAddress! + i, available: p.count - i,
                                  fragment: UnsafePointer(bytes.baseAddress! + f.start), count: f.count) else { return false }
        i += f.count
        return true
    }

    /// The kind whose name (and closing quote) starts `p[i...]`, found through the name table;
    /// advances past the quote. nil when the table does not decide it (the caller scans).
    @inline(__always)
    func knownName(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> EventKind? {
        guard p.count - i >= 8 else { return nil }
        let at = p.baseAddress! + i
        let w = UnsafeRawPointer(at).loadUnaligned(as: UInt64.self)
        var slot = Self.nameSlot(w)
        while true {
            let stored = nameWindows[slot]
            if stored == 0 { return nil }
            if stored == w { break }
            slot = (slot + 1) & (Self.nameSlots - 1)
        }
        let first = nameSlotFirst[slot]
        for c in first..<(first + nameSlotCount[slot]) {
            let kind = nameCandidates[c]
            // `","event":"NAME"`: its tail after the key is the name and its closing quote.
            let f = eventFragments[Int(kind.rawValue)]
            let n = f.count - eventKeyFragment.count
            if p.count - i >= n, ByteText.equalBytes(at, bytes.baseAddress! + f.start + eventKeyFragment.count, n) {
                i += n
                return kind
            }
        }
        return nil
    }

    /// Whether `p[i...]` starts with the key of argument `k` of `kind`; advances past it.
    @inline(__always)
    func matchKey(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int, kind: Int, argument k: Int) -> Bool {
        match(p, &i, keys[kind * Self.maxArguments + k])
    }
}
