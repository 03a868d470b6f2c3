// Traces repeat a handful of device names and `write` texts millions of times; handing out the
// same String for the same bytes avoids validating and allocating one per line.

import FlashEvents

struct StringInterner: Sendable {
    private var entries: [(bytes: [UInt8], string: String)] = []
    private var last = 0
    /// Bounded so a trace of all-distinct texts degrades to plain allocation, not a slow scan.
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// The String for `bytes`, which the caller has checked to be valid UTF-8.
    mutating func string(for bytes: UnsafeBufferPointer<UInt8>) -> String {
        // Consecutive lines mostly name the same device: try the previous hit first.
        if last < entries.count {
            let hit = entries.withUnsafeBufferPointer { e in
                e[last].bytes.withUnsafeBufferPointer { b in
                    b.count == bytes.count && (b.count == 0 || ByteText.equalBytes(bytes.baseAddress!, b.baseAddress!, b.count))
                }
            }
            if hit { return entries[last].string }
        }
        for (i, entry) in entries.enumerated() where ByteText.equal(bytes, entry.bytes) {
            last = i
            return entry.string
        }
        let s = String(decoding: bytes, as: UTF8.self)
        if entries.count < limit { entries.append((Array(bytes), s)) }
        return s
    }
}

/// Event kinds by name bytes, bucketed by length so a lookup compares against two or three names.
struct EventNameLookup: Sendable {
    private let buckets: [[(name: [UInt8], kind: EventKind)]]

    static let shared = EventNameLookup()

    private init() {
        var buckets: [[(name: [UInt8], kind: EventKind)]] = []
        for kind in EventKind.allCases {
            let name = Array(kind.name.utf8)
            while buckets.count <= name.count { buckets.append([]) }
            buckets[name.count].append((name, kind))
        }
        self.buckets = buckets
    }

    /// Looks up the bare name (`io_write`, without `pflash_`).
    func kind(_ bytes: UnsafeBufferPointer<UInt8>) -> EventKind? {
        guard bytes.count < buckets.count else { return nil }
        for entry in buckets[bytes.count] where ByteText.equal(bytes, entry.name) {
            return entry.kind
        }
        return nil
    }
}
