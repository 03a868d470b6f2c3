// A set of command bytes as a 256-bit map: the rules test every written byte against a few
// such sets, and Set<UInt8> hashes on each lookup.

struct ByteSet: ExpressibleByArrayLiteral, Sendable {
    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

    init(arrayLiteral elements: UInt8...) {
        for e in elements {
            let bit: UInt64 = 1 << UInt64(e & 63)
            switch e >> 6 {
            case 0: w0 |= bit
            case 1: w1 |= bit
            case 2: w2 |= bit
            default: w3 |= bit
            }
        }
    }

    @inline(__always)
    func contains(_ e: UInt8) -> Bool {
        let word: UInt64
        switch e >> 6 {
        case 0: word = w0
        case 1: word = w1
        case 2: word = w2
        default: word = w3
        }
        return word & (1 << UInt64(e & 63)) != 0
    }
}
