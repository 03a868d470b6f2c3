// Traces repeat a handful of device names and `write` texts millions of times; handing out the
// same String for the same bytes avoids validating and allocating one per line.

import FlashEvents

struct StringInterner: Sendable {
    private var entries: [(bytes: [UInt8], string: String)] = []
    private var last = 0
    /// EventText ids of the entries, made on first use (`write` texts).
    private var ids: [EventText?] = []
    /// Bounded so a trace of all-distinct texts degrades to plain allocation, not a slow scan.
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// The String for `bytes` if they were interned before (and hence checked then).
    mutating func known(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
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
        return nil
    }

    /// The String for `bytes`, which the caller has checked to be valid UTF-8.
    mutating func string(for bytes: UnsafeBufferPointer<UInt8>) -> String {
        if let s = known(bytes) { return s }
        let s = String(decoding: bytes, as: UTF8.self)
        if entries.count < limit {
            entries.append((Array(bytes), s))
            last = entries.count - 1
        }
        return s
    }

    /// The EventText for `bytes` (valid UTF-8): `write` events carry ids, and finding one by its
    /// String costs a walk over the known texts, so ids are cached with the interned bytes.
    mutating func eventText(for bytes: UnsafeBufferPointer<UInt8>) -> EventText {
        let s = string(for: bytes)
        guard last < entries.count, entries[last].string == s else { return EventText(s) }
        if ids.count < entries.count { ids += Array(repeating: nil, count: entries.count - ids.count) }
        if let id = ids[last] { return id }
        let id = EventText(s)
        ids[last] = id
        return id
    }
}

/// Event kinds by name bytes, bucketed by length so a lookup compares against two or three names.
/// Kept in memory allocated once and never freed: lookups run once per trace line, on several
/// threads with `replay --jobs`, and must not touch reference counts of shared arrays (the
/// atomic traffic on one shared object serialises the threads).
struct EventNameLookup: @unchecked Sendable {
    /// All names, concatenated.
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    /// Per length: first index into `entries`, and how many.
    private let byLength: UnsafeMutableBufferPointer<(first: Int, count: Int)>
    /// (offset into `bytes`, kind), grouped by length.
    private let entries: UnsafeMutableBufferPointer<(offset: Int, kind: EventKind)>

    static let shared = EventNameLookup()

    private init() {
        var buckets: [[(name: [UInt8], kind: EventKind)]] = []
        for kind in EventKind.allCases {
            let name = Array(kind.name.utf8)
            while buckets.count <= name.count { buckets.append([]) }
            buckets[name.count].append((name, kind))
        }
        var all: [UInt8] = []
        var table: [(first: Int, count: Int)] = []
        var list: [(offset: Int, kind: EventKind)] = []
        for bucket in buckets {
            table.append((list.count, bucket.count))
            for e in bucket {
                list.append((all.count, e.kind))
                all += e.name
            }
        }
        bytes = .allocate(capacity: all.count)
        _ = bytes.initialize(from: all)
        byLength = .allocate(capacity: table.count)
        _ = byLength.initialize(from: table)
        entries = .allocate(capacity: list.count)
        _ = entries.initialize(from: list)
    }

    /// Looks up the bare name (`io_write`, without `pflash_`).
    func kind(_ name: UnsafeBufferPointer<UInt8>) -> EventKind? {
        guard name.count < byLength.count, name.count > 0 else { return nil }
        let (first, count) = byLength[name.count]
        for i in first..<(first + count) where ByteText.equalBytes(name.baseAddress!, bytes.baseAddress! + entries[i].offset, name.count) {
            return entries[i].kind
        }
        return nil
    }
}
