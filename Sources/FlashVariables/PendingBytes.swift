// Bytes erased during the trace and not programmed since, over one FV. A copy of a variable is
// complete only when none of its bytes is pending: after an erase, a driver rewriting the block
// puts a header back before its data, and the header alone must not count as the variable.
// Bytes from the initial image (or unknown without one) are not pending.

struct PendingBytes {
    let start: Int
    let count: Int
    private var words: [UInt64]

    init(start: Int, count: Int) {
        self.start = start
        self.count = count
        words = [UInt64](repeating: 0, count: count / 64 + 1)
    }

    /// Marks [r) pending (`true`: erased) or not (programmed), clipped to the FV.
    mutating func set(_ r: Range<Int>, _ pending: Bool) {
        let lo = max(r.lowerBound, start) - start, hi = min(r.upperBound, start + count) - start
        guard lo < hi else { return }
        var i = lo
        while i < hi {
            if i & 63 == 0 && hi - i >= 64 {
                words[i >> 6] = pending ? .max : 0
                i += 64
                continue
            }
            if pending { words[i >> 6] |= 1 << UInt64(i & 63) } else { words[i >> 6] &= ~(1 << UInt64(i & 63)) }
            i += 1
        }
    }

    /// Whether any byte of [r) is pending (bytes outside the FV never are).
    func any(_ r: Range<Int>) -> Bool {
        let lo = max(r.lowerBound, start) - start, hi = min(r.upperBound, start + count) - start
        guard lo < hi else { return false }
        var i = lo
        while i < hi {
            if i & 63 == 0 && hi - i >= 64 {
                if words[i >> 6] != 0 { return true }
                i += 64
                continue
            }
            if words[i >> 6] & (1 << UInt64(i & 63)) != 0 { return true }
            i += 1
        }
        return false
    }
}
