// The bytes behind a device: only the backing extent is allocated, so a 64 MiB region with a
// 768 KiB image costs 768 KiB (the point of the project, README "image smaller than the region").
//
// The bytes are kept inverted (memory holds ~contents). Erased flash, 0xFF, is then zero memory,
// which calloc takes from the OS page by page on first touch: a device whose image size is not
// known (a QEMU log replays with the whole region) costs neither a memset of 64 MiB at start nor
// memory for the pages the trace never touches. A value type: copies share the buffer until one
// of them writes.
//
// The buffer also knows which 4 KiB pages were ever written since they were last erased (a
// bitmap): an erase zeroes only those. Firmware erases a 256 KiB block to rewrite a few hundred
// bytes of it; memset of the whole block was 8% of replaying such a trace.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public struct Storage: Sendable {
    private var buffer: StorageBuffer
    public let bigEndian: Bool
    public let count: Int

    /// `count` bytes of 0xFF (erased flash), or of `fill`.
    public init(count: Int, fill: UInt8 = 0xFF, bigEndian: Bool) {
        precondition(count >= 0)
        buffer = StorageBuffer(count: count)
        self.count = count
        self.bigEndian = bigEndian
        if fill != 0xFF && count > 0 {
            buffer.base.update(repeating: ~fill, count: count)
            buffer.markWritten(0, count)
        }
    }

    public init(bytes: [UInt8], bigEndian: Bool) {
        self.init(count: bytes.count, bigEndian: bigEndian)
        replace(0, with: bytes[...])
    }

    /// The contents (a copy; for saving images and for tests).
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { out, n in
            for i in 0..<count { out[i] = ~buffer.base[i] }
            n = count
        }
    }

    /// `size` bytes at `offset` as an integer in the configured byte order (spec §4.3).
    @inlinable
    public func load(_ offset: Int, _ size: Int) -> UInt32 {
        precondition(offset >= 0 && offset + size <= count, "storage access out of bounds")
        let p = UnsafeRawPointer(base)
        // Unaligned loads of the host's (little-endian) order; big-endian storage swaps.
        switch size {
        case 4:
            let v = ~p.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            return bigEndian ? v.byteSwapped : v
        case 2:
            let v = ~p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
            return UInt32(bigEndian ? v.byteSwapped : v)
        case 1:
            return UInt32(~p.load(fromByteOffset: offset, as: UInt8.self))
        default:
            var v: UInt32 = 0
            for i in 0..<size {
                v |= UInt32(~p.load(fromByteOffset: offset + i, as: UInt8.self)) << UInt32(8 * (bigEndian ? size - 1 - i : i))
            }
            return v
        }
    }

    public mutating func store(_ offset: Int, _ size: Int, _ value: UInt32) {
        precondition(offset >= 0 && offset + size <= count, "storage access out of bounds")
        let p = writableBase()
        buffer.markWritten(offset, size)
        for i in 0..<size {
            let shift = bigEndian ? (size - 1 - i) * 8 : i * 8
            p[offset + i] = ~UInt8(truncatingIfNeeded: value >> UInt32(shift))
        }
    }

    /// Program with AND semantics (CFI02: bits only go 1 → 0).
    public mutating func andStore(_ offset: Int, _ size: Int, _ value: UInt32) {
        store(offset, size, load(offset, size) & value)
    }

    /// Fills [offset, offset+length) clipped to the allocated bytes.
    public mutating func fill(_ offset: UInt64, _ length: UInt64, _ byte: UInt8 = 0xFF) {
        let lo = Int(min(offset, UInt64(count)))
        let hi = Int(min(offset &+ length, UInt64(count)))
        guard lo < hi else { return }
        let p = writableBase()
        if byte != 0xFF {
            (p + lo).update(repeating: ~byte, count: hi - lo)
            buffer.markWritten(lo, hi - lo)
        } else {
            buffer.erase(lo, hi - lo)
        }
    }

    public mutating func replace(_ offset: Int, with data: ArraySlice<UInt8>) {
        let n = min(data.count, count - offset)
        guard n > 0 else { return }
        let p = writableBase() + offset
        buffer.markWritten(offset, n)
        data.withUnsafeBufferPointer { src in
            for i in 0..<n { p[i] = ~src[i] }
        }
    }

    /// Copies `n` bytes of contents at `offset` to `to`.
    public func copy(_ offset: Int, _ n: Int, to: UnsafeMutablePointer<UInt8>) {
        precondition(offset >= 0 && n >= 0 && offset + n <= count, "storage access out of bounds")
        let p = base + offset
        for i in 0..<n { to[i] = ~p[i] }
    }

    /// The byte at `offset` as firmware laid it out (no byte order: the UEFI variable store is
    /// parsed from these), nil outside the storage.
    @inlinable
    public func byte(at offset: Int) -> UInt8? {
        offset >= 0 && offset < count ? ~base[offset] : nil
    }

    /// `n` bytes at `offset`, nil unless all of them lie inside the storage.
    public func bytes(at offset: Int, count n: Int) -> [UInt8]? {
        guard offset >= 0, n >= 0, offset <= count, n <= count - offset else { return nil }
        return [UInt8](unsafeUninitializedCapacity: n) { out, done in
            for i in 0..<n { out[i] = ~base[offset + i] }
            done = n
        }
    }

    @usableFromInline var base: UnsafeMutablePointer<UInt8> { buffer.base }

    /// The buffer, copied first if another Storage value shares it.
    private mutating func writableBase() -> UnsafeMutablePointer<UInt8> {
        if !isKnownUniquelyReferenced(&buffer) { buffer = buffer.copy() }
        return buffer.base
    }
}

/// calloc'd memory (zero = erased), freed with its last Storage, and the bitmap of its pages
/// that may hold anything but zero (a clear bit: the page is all zero).
@usableFromInline
final class StorageBuffer: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<UInt8>
    let count: Int
    private let written: UnsafeMutablePointer<UInt64>
    private let words: Int
    static let pageShift = 12

    init(count: Int) {
        self.count = count
        // calloc of a large block maps fresh zero pages without touching them.
        guard let p = calloc(max(count, 1), 1) else { fatalError("out of memory allocating \(count) bytes of flash storage") }
        base = p.assumingMemoryBound(to: UInt8.self)
        words = (count >> Self.pageShift) / 64 + 1
        guard let w = calloc(words, 8) else { fatalError("out of memory allocating \(count) bytes of flash storage") }
        written = w.assumingMemoryBound(to: UInt64.self)
    }

    func copy() -> StorageBuffer {
        let b = StorageBuffer(count: count)
        b.base.update(from: base, count: count)
        b.written.update(from: written, count: words)
        return b
    }

    /// Bytes [offset, offset+n) are about to hold something (n > 0).
    @inline(__always)
    func markWritten(_ offset: Int, _ n: Int) {
        var page = offset >> Self.pageShift
        let last = (offset + n - 1) >> Self.pageShift
        while page <= last {
            written[page >> 6] |= 1 << UInt64(page & 63)
            page += 1
        }
    }

    /// Sets [offset, offset+n) to zero (erased), touching only pages written since their last erase.
    func erase(_ offset: Int, _ n: Int) {
        let end = offset + n
        var page = offset >> Self.pageShift
        let last = (end - 1) >> Self.pageShift
        while page <= last {
            let bit: UInt64 = 1 << UInt64(page & 63)
            if written[page >> 6] & bit != 0 {
                let lo = max(offset, page << Self.pageShift), hi = min(end, (page + 1) << Self.pageShift)
                (base + lo).update(repeating: 0, count: hi - lo)
                // A page erased whole is all zero again; a partly erased one may still hold data.
                if lo == page << Self.pageShift && hi == min(count, (page + 1) << Self.pageShift) { written[page >> 6] &= ~bit }
            }
            page += 1
        }
    }

    deinit {
        free(base)
        free(written)
    }
}
