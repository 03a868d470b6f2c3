// Which bytes of a device's contents replay knows. Without an initial image the contents are
// unknown until the trace erases or programs them (or reads them, which tells us what they are).
// One bit per byte; marks and checks work a word (64 bytes) at a time, because every erase marks
// a whole block and every program or read checks a few bytes.

struct KnownBytes {
    private var words: [UInt64]
    private(set) var allKnown: Bool

    init(count: UInt64, allKnown: Bool) {
        self.allKnown = allKnown
        words = allKnown ? [] : [UInt64](repeating: 0, count: Int((count + 63) / 64))
    }

    /// Bits lo..<hi of a word (0 ≤ lo < hi ≤ 64).
    @inline(__always)
    private static func bits(_ lo: UInt64, _ hi: UInt64) -> UInt64 {
        let upper: UInt64 = hi == 64 ? ~0 : (1 << hi) &- 1
        return upper & ~((1 << lo) &- 1)
    }

    func isKnown(_ offset: UInt64, _ size: Int) -> Bool {
        if allKnown { return true }
        guard size > 0 else { return true }
        let (end, overflow) = offset.addingReportingOverflow(UInt64(size))
        guard !overflow, end <= UInt64(words.count) * 64 else { return false }
        return words.withUnsafeBufferPointer { w in
            var i = offset
            while i < end {
                let word = i >> 6, lo = i & 63
                let hi = min(64, end - (word << 6))
                let want = Self.bits(lo, hi)
                if w[Int(word)] & want != want { return false }
                i = (word + 1) << 6
            }
            return true
        }
    }

    mutating func mark(_ offset: UInt64, _ length: UInt64) {
        if allKnown || length == 0 { return }
        let (sum, overflow) = offset.addingReportingOverflow(length)
        let end = min(overflow ? .max : sum, UInt64(words.count) * 64)
        guard offset < end else { return }
        words.withUnsafeMutableBufferPointer { w in
            var i = offset
            while i < end {
                let word = i >> 6, lo = i & 63
                let hi = min(64, end - (word << 6))
                if lo == 0 && hi == 64 {
                    // Whole words up to the last partial one in one fill.
                    let last = end >> 6
                    (w.baseAddress! + Int(word)).update(repeating: ~0, count: Int(last - word))
                    i = last << 6
                    continue
                }
                w[Int(word)] |= Self.bits(lo, hi)
                i = (word + 1) << 6
            }
        }
    }

    mutating func markAll() {
        allKnown = true
        words = []
    }
}
