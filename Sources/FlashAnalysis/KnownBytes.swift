// Which bytes of a device's contents replay knows. Without an initial image the contents are
// unknown until the trace erases or programs them (or reads them, which tells us what they are).

struct KnownBytes {
    private var words: [UInt64]
    private(set) var allKnown: Bool

    init(count: UInt64, allKnown: Bool) {
        self.allKnown = allKnown
        words = allKnown ? [] : [UInt64](repeating: 0, count: Int((count + 63) / 64))
    }

    func isKnown(_ offset: UInt64, _ size: Int) -> Bool {
        if allKnown { return true }
        for i in offset..<(offset + UInt64(size)) {
            let w = Int(i >> 6)
            if w >= words.count || words[w] & (1 << (i & 63)) == 0 { return false }
        }
        return true
    }

    mutating func mark(_ offset: UInt64, _ length: UInt64) {
        if allKnown || length == 0 { return }
        var i = offset
        let end = min(offset + length, UInt64(words.count) * 64)
        while i < end {
            if i & 63 == 0 && end - i >= 64 {
                words[Int(i >> 6)] = .max
                i += 64
            } else {
                words[Int(i >> 6)] |= 1 << (i & 63)
                i += 1
            }
        }
    }

    mutating func markAll() {
        allKnown = true
        words = []
    }
}
