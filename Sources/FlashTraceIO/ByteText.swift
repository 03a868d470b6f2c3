// Byte-level helpers shared by the QEMU-log and JSON-lines codecs. Both work on raw UTF-8 bytes
// rather than String/Character so a line costs a few comparisons per byte, not grapheme breaking.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum ByteText {
    /// Writes `value` in decimal at `out` (room for 20 bytes needed); returns the byte count.
    @inline(__always)
    static func writeDecimal(_ value: UInt64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if value < 10 { out[0] = 0x30 &+ UInt8(value); return 1 }
        // Most values (offsets, sizes, seq, 32-bit data) fit 32 bits, where division by 100
        // is a cheaper multiplication.
        if value <= UInt64(UInt32.max) { return writeDecimal32(UInt32(value), to: out) }
        var digits = 1
        var bound: UInt64 = 10
        while digits < 20 && value >= bound {
            digits &+= 1
            if digits == 20 { break }
            bound &*= 10
        }
        var v = value
        var i = digits
        let pairs = UnsafeRawPointer(decimalPairs.baseAddress!)
        let o = UnsafeMutableRawPointer(out)
        while v >= 100 {
            let r = Int(v % 100)
            v /= 100
            i &-= 2
            o.storeBytes(of: pairs.load(fromByteOffset: 2 * r, as: UInt16.self), toByteOffset: i, as: UInt16.self)
        }
        if v >= 10 {
            o.storeBytes(of: pairs.load(fromByteOffset: 2 * Int(v), as: UInt16.self), toByteOffset: i - 2, as: UInt16.self)
        } else {
            out[i - 1] = 0x30 &+ UInt8(v)
        }
        return digits
    }

    /// `writeDecimal` for 32-bit values: up to eight digits are made at once in one word (SWAR),
    /// with no division loop; the first one or two of a longer value come from a table.
    @inline(__always)
    static func writeDecimal32(_ value: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if value >= 100_000_000 {
            let top = Int(value / 100_000_000), rest = value % 100_000_000
            let o = UnsafeMutableRawPointer(out)
            if top >= 10 {
                o.storeBytes(of: UnsafeRawPointer(decimalPairs.baseAddress!).load(fromByteOffset: 2 * top, as: UInt16.self),
                             as: UInt16.self)
                o.storeBytes(of: eightDigits(rest), toByteOffset: 2, as: UInt64.self)
                return 10
            }
            out[0] = 0x30 &+ UInt8(top)
            o.storeBytes(of: eightDigits(rest), toByteOffset: 1, as: UInt64.self)
            return 9
        }
        let digits: Int
        if value < 10_000 {
            digits = value < 100 ? (value < 10 ? 1 : 2) : value < 1000 ? 3 : 4
        } else {
            digits = value < 1_000_000 ? (value < 100_000 ? 5 : 6) : value < 10_000_000 ? 7 : 8
        }
        // The word holds eight digits with leading zeros; shifting drops the zeros. Eight bytes
        // are stored (the caller has room for 20); the ones past `digits` are overwritten next.
        UnsafeMutableRawPointer(out).storeBytes(of: eightDigits(value) &>> UInt64(8 * (8 - digits)), as: UInt64.self)
        return digits
    }

    /// The eight ASCII digits of `value` (< 10⁸, leading zeros included), first digit in the low
    /// byte. Splits into 4+4, 2+2 and 1+1 digits in parallel lanes; the multiply-shift pairs
    /// divide exactly by 100 (for lanes below 10⁴) and by 10 (below 179).
    @inline(__always)
    static func eightDigits(_ value: UInt32) -> UInt64 {
        var x = UInt64(value / 10_000) | UInt64(value % 10_000) << 32
        let hundreds = (x &* 10486) >> 20 & 0x0000_007F_0000_007F
        x = hundreds | (x &- hundreds &* 100) << 16
        let tens = (x &* 103) >> 10 & 0x000F_000F_000F_000F
        x = tens | (x &- tens &* 10) << 8
        return x | 0x3030_3030_3030_3030
    }

    /// "00"…"99", allocated once and never freed (no reference counting on the hot path).
    nonisolated(unsafe) static let decimalPairs: UnsafeMutableBufferPointer<UInt8> = {
        let p = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 200)
        for n in 0..<100 {
            p[2 * n] = 0x30 + UInt8(n / 10)
            p[2 * n + 1] = 0x30 + UInt8(n % 10)
        }
        return p
    }()

    /// Writes `value` in lowercase hex, zero-padded to at least `minWidth` digits (printf `%0Nx`;
    /// wider values are never truncated). Needs room for max(16, minWidth) bytes.
    @inline(__always)
    static func writeHex(_ value: UInt64, minWidth: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var digits = 1
        while digits < 16 && value >> (4 * UInt64(digits)) != 0 { digits += 1 }
        let width = max(digits, minWidth)
        for i in 0..<width {
            let shift = 4 * (width - 1 - i)
            let nibble = shift < 64 ? UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xF : 0
            out[i] = nibble < 10 ? 0x30 &+ nibble : 0x57 &+ nibble
        }
        return width
    }

    static func appendDecimal(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { tmp in
            let n = writeDecimal(value, to: tmp.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: tmp[0..<n]))
        }
    }

    static func appendHex(_ value: UInt64, minWidth: Int, to bytes: inout [UInt8]) {
        // printf widths come from trace arguments (`%0*x`); clamp absurd ones instead of allocating GBs.
        let width = min(max(minWidth, 0), 4096)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(16, width)) { tmp in
            let n = writeHex(value, minWidth: width, to: tmp.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: tmp[0..<n]))
        }
    }

    /// Index of the first byte that breaks UTF-8 (RFC 3629: no overlongs, no surrogates,
    /// nothing above U+10FFFF), or nil when all of `bytes` is valid.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            if i + need >= n { return i }
            let b1 = bytes[i + 1]
            if b1 < lo || b1 > hi { return i }
            var k = 2
            while k <= need {
                if bytes[i + k] & 0xC0 != 0x80 { return i }
                k += 1
            }
            i += need + 1
        }
        return nil
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in bytes where b >= 0x80 { return false }
        return true
    }

    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
        a.count == b.count && (a.count == 0 || matches(a, at: 0, b))
    }

    /// Whether `p[at...]` starts with `literal`.
    @inline(__always)
    static func matches(_ p: UnsafeBufferPointer<UInt8>, at i: Int, _ literal: [UInt8]) -> Bool {
        p.count - i >= literal.count && literal.withUnsafeBufferPointer { l in
            l.count == 0 || equalBytes(p.baseAddress! + i, l.baseAddress!, l.count)
        }
    }

    /// `count` bytes at `a` and `b` are equal. Keys and names are short (5–20 bytes): eight
    /// bytes at a time inline beats a memcmp call.
    @inline(__always)
    static func equalBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let a = UnsafeRawPointer(a), b = UnsafeRawPointer(b)
        if count >= 8 {
            // 8 to 16 bytes (most keys and names): the first and the last word, without a branch.
            if count <= 16 {
                let first = a.loadUnaligned(as: UInt64.self) ^ b.loadUnaligned(as: UInt64.self)
                let last = a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                    ^ b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                return first | last == 0
            }
            // Whole words, then one last word overlapping the previous one: no byte loop.
            var k = 0
            while k + 8 < count {
                if a.loadUnaligned(fromByteOffset: k, as: UInt64.self) != b.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
                    return false
                }
                k += 8
            }
            return a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        var k = 0
        while k < count {
            if a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) { return false }
            k += 1
        }
        return true
    }

    /// Whether the `count` bytes of `fragment` (a literal followed by at least eight bytes of
    /// padding) start the `available` bytes at `at`: one masked word for short fragments when
    /// eight bytes can be read there, else word by word. The readers' literal comparisons.
    @inline(__always)
    static func startsWith(_ at: UnsafePointer<UInt8>, available: Int, fragment: UnsafePointer<UInt8>, count: Int) -> Bool {
        guard available >= count else { return false }
        if count < 8 && available >= 8 { return equalShortBytes(at, fragment, count) }
        return equalBytes(at, fragment, count)
    }

    /// `equalBytes` for a short `count` (< 8) when eight bytes can be read at both `a` and `b`:
    /// one masked word comparison.
    @inline(__always)
    static func equalShortBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let x = UnsafeRawPointer(a).loadUnaligned(as: UInt64.self)
        let y = UnsafeRawPointer(b).loadUnaligned(as: UInt64.self)
        let mask: UInt64 = count == 0 ? 0 : ~0 &>> UInt64(64 - 8 * count)
        return (x ^ y) & mask == 0
    }

    /// Renders bytes for an error message (lossy on invalid UTF-8, which is fine there).
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// How many of the eight bytes of `x` (first byte in the low bits) are ASCII digits before
    /// the first that is not. Per byte: the high nibble must be 3 and the low nibble plus 6 must
    /// stay below 16; neither test carries into the next byte.
    @inline(__always)
    static func leadingDigits(_ x: UInt64) -> Int {
        let nonDigit = ((x & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
            | (((x & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0)
        return nonDigit.trailingZeroBitCount >> 3
    }

    /// The value of the first `count` (1...8) bytes of `x`, all ASCII digits, most significant
    /// first: the digits are moved to the top bytes (zeros lead) and combined pairwise.
    @inline(__always)
    static func parseDigits(_ x: UInt64, count: Int) -> UInt64 {
        // Single digits (sizes, write cycles) are common: skip the multiplications.
        if count == 1 { return x & 0xF }
        // `&<<`: the shift is 0...56, so Swift's checks for shifts of 64 and more are not needed.
        var v = (x & 0x0F0F_0F0F_0F0F_0F0F) &<< UInt64(8 * (8 - count))
        v = (v &* (10 << 8 + 1)) >> 8 & 0x00FF_00FF_00FF_00FF
        v = (v &* (100 << 16 + 1)) >> 16 & 0x0000_FFFF_0000_FFFF
        v = (v &* (10000 << 32 + 1)) >> 32
        return v
    }

    /// 10^n for n in 0...7 (no table: a shared static array costs reference counting per use).
    @inline(__always)
    static func powerOfTen(_ n: Int) -> UInt64 {
        var p: UInt64 = 1
        for _ in 0..<n { p &*= 10 }
        return p
    }
}
