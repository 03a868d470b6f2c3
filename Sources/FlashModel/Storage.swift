// The bytes behind a device: only the backing extent is allocated, so a 64 MiB region with a
// 768 KiB image costs 768 KiB (the point of the project, README "image smaller than the region").

public struct Storage: Sendable {
    public private(set) var bytes: [UInt8]
    public let bigEndian: Bool

    /// `count` bytes of 0xFF (erased flash), or of `fill`.
    public init(count: Int, fill: UInt8 = 0xFF, bigEndian: Bool) {
        bytes = [UInt8](repeating: fill, count: count)
        self.bigEndian = bigEndian
    }

    public init(bytes: [UInt8], bigEndian: Bool) {
        self.bytes = bytes
        self.bigEndian = bigEndian
    }

    public var count: Int { bytes.count }

    /// `size` bytes at `offset` as an integer in the configured byte order (spec §4.3).
    @inlinable
    public func load(_ offset: Int, _ size: Int) -> UInt32 {
        precondition(offset >= 0 && offset + size <= bytes.count, "storage access out of bounds")
        return bytes.withUnsafeBytes { p in
            // Unaligned loads of the host's (little-endian) order; big-endian storage swaps.
            switch size {
            case 4:
                let v = p.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                return bigEndian ? v.byteSwapped : v
            case 2:
                let v = p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
                return UInt32(bigEndian ? v.byteSwapped : v)
            case 1:
                return UInt32(p[offset])
            default:
                var v: UInt32 = 0
                for i in 0..<size {
                    v |= UInt32(p[offset + i]) << UInt32(8 * (bigEndian ? size - 1 - i : i))
                }
                return v
            }
        }
    }

    public mutating func store(_ offset: Int, _ size: Int, _ value: UInt32) {
        for i in 0..<size {
            let shift = bigEndian ? (size - 1 - i) * 8 : i * 8
            bytes[offset + i] = UInt8(truncatingIfNeeded: value >> UInt32(shift))
        }
    }

    /// Program with AND semantics (CFI02: bits only go 1 → 0).
    public mutating func andStore(_ offset: Int, _ size: Int, _ value: UInt32) {
        store(offset, size, load(offset, size) & value)
    }

    /// Fills [offset, offset+length) clipped to the allocated bytes.
    public mutating func fill(_ offset: UInt64, _ length: UInt64, _ byte: UInt8 = 0xFF) {
        let lo = Int(min(offset, UInt64(bytes.count)))
        let hi = Int(min(offset &+ length, UInt64(bytes.count)))
        if lo < hi { bytes.withUnsafeMutableBufferPointer { p in for i in lo..<hi { p[i] = byte } } }
    }

    public mutating func replace(_ offset: Int, with data: ArraySlice<UInt8>) {
        let n = min(data.count, bytes.count - offset)
        if n > 0 { bytes.replaceSubrange(offset..<(offset + n), with: data.prefix(n)) }
    }
}
