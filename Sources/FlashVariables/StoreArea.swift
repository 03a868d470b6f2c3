import FlashModel

// The variable copies in one area of a store: the store itself, or the FTW spare block when it
// holds an image of the FV (a reclaim in progress). Walked again from the first header a change
// touches, and only as far as the change reaches: the headers before it and after it are where
// they were, so a firmware appending to a store costs one record per write.

/// A variable's identity.
struct VarKey: Hashable {
    var name: String
    var guid: GUID
}

struct VarValue: Equatable {
    var attributes: UInt32
    var data: [UInt8]
}

/// A live, complete copy of a variable.
struct Copy: Equatable {
    var key: VarKey
    var value: VarValue
}

struct WalkedRecord {
    var record: VariableRecord
    /// Set when the copy is live and every byte of it is written.
    var copy: Copy?
    /// The identity of a deleted copy (past "added", no longer live).
    var deadKey: VarKey?
}

enum AreaKind: Equatable {
    case store, spare
}

/// What a walk found changed: copies that disappeared (with why) and copies that appeared.
struct AreaChanges {
    struct Loss {
        var offset: Int
        var copy: Copy
        /// Its state now says deleted (rather than the bytes being erased or overwritten).
        var deleted: Bool
    }
    var lost: [Loss] = []
    var gained: [(offset: Int, extent: Int, copy: Copy)] = []
    /// Deleted copies that appeared where there was none (a block rewritten with the copy deleted).
    var appearedDeleted: [(offset: Int, key: VarKey)] = []
}

struct StoreArea {
    let kind: AreaKind
    let headerOffset: Int
    let first: Int
    let limit: Int
    let authenticated: Bool
    private(set) var valid = false
    private(set) var records: [WalkedRecord] = []

    init(kind: AreaKind, headerOffset: Int, limit: Int, authenticated: Bool) {
        self.kind = kind
        self.headerOffset = headerOffset
        first = (headerOffset + StoreHeader.size + 3) & ~3
        self.limit = limit
        self.authenticated = authenticated
    }

    /// Walks again after bytes [changed) changed; returns the copies lost and gained.
    mutating func rewalk(_ c: Contents, changed: Range<Int>, pending: PendingBytes) -> AreaChanges {
        var idx: Int
        if changed.lowerBound < first {
            valid = StoreHeader(c, at: headerOffset).map { $0.authenticated == authenticated } ?? false
            idx = 0
        } else {
            // The first record that ends after the change's start.
            var lo = 0, hi = records.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if records[mid].record.end > changed.lowerBound { hi = mid } else { lo = mid + 1 }
            }
            idx = lo
        }
        let old = Array(records[idx...])
        records.removeSubrange(idx...)
        var oldAt = 0  // next old record not yet passed
        if valid {
            var o = idx == 0 ? first : records[idx - 1].record.end
            while true {
                while oldAt < old.count && old[oldAt].record.offset < o { oldAt += 1 }
                // Past the change, an unchanged header where it was: the rest is as it was.
                if o >= changed.upperBound && oldAt < old.count && old[oldAt].record.offset == o {
                    let walked = Array(records[idx...])
                    records.append(contentsOf: old[oldAt...])
                    return diff(Array(old[..<oldAt]), walked)
                }
                guard let r = VariableRecord(c, at: o, limit: limit, authenticated: authenticated) else { break }
                records.append(decode(r, c, pending))
                o = r.end
            }
        }
        return diff(old, Array(records[idx...]))
    }

    private func decode(_ r: VariableRecord, _ c: Contents, _ pending: PendingBytes) -> WalkedRecord {
        var w = WalkedRecord(record: r)
        // Past "added" (bit 6 cleared) the name and data are written; a copy counts only once
        // all its bytes are (a block being rewritten after an erase).
        guard r.state & 0x40 == 0, !pending.any(r.offset..<r.dataEnd) else { return w }
        let key = VarKey(name: r.name(c), guid: r.guid)
        if VariableState.isLive(r.state) {
            w.copy = Copy(key: key, value: VarValue(attributes: r.attributes, data: r.data(c)))
        } else {
            w.deadKey = key
        }
        return w
    }

    /// Copies lost and gained between two walks of the same stretch: both are sorted by offset,
    /// so one merge pass pairs the records at the same offset (no dictionary: this runs for
    /// every byte a firmware programs into a store).
    private func diff(_ old: [WalkedRecord], _ new: [WalkedRecord]) -> AreaChanges {
        var out = AreaChanges()
        var i = 0, j = 0
        while i < old.count || j < new.count {
            let o: WalkedRecord?, n: WalkedRecord?
            if j >= new.count || (i < old.count && old[i].record.offset < new[j].record.offset) {
                o = old[i]; n = nil; i += 1
            } else if i >= old.count || new[j].record.offset < old[i].record.offset {
                o = nil; n = new[j]; j += 1
            } else {
                o = old[i]; n = new[j]; i += 1; j += 1
            }
            if let o, let copy = o.copy, n?.copy != copy {
                out.lost.append(.init(offset: o.record.offset, copy: copy, deleted: n?.deadKey == copy.key))
            }
            if let n {
                if let copy = n.copy, o?.copy != copy {
                    out.gained.append((n.record.offset, n.record.end - n.record.offset, copy))
                }
                if let key = n.deadKey, o?.copy == nil, o?.deadKey == nil {
                    out.appearedDeleted.append((n.record.offset, key))
                }
            }
        }
        return out
    }

    /// The end of the last header walked (the used part of the area).
    var usedEnd: Int { records.last?.record.end ?? first }

    /// Bytes of live copies, of the rest, and free after the last header.
    var fill: StoreFill {
        guard valid else { return StoreFill(live: 0, dead: 0, free: 0) }
        var live = 0, dead = 0
        for w in records {
            if w.copy != nil { live += w.record.end - w.record.offset } else { dead += w.record.end - w.record.offset }
        }
        return StoreFill(live: live, dead: dead, free: max(0, limit - (records.last?.record.end ?? first)))
    }
}
