import FlashModel
import XCTest

// Storage erases only the pages written since their last erase (Storage.swift). Against a plain
// byte array: random stores, fills and erases of any alignment and length (partial pages, page
// boundaries, the odd-sized tail), and copies that must not see each other's writes.

final class StorageTests: XCTestCase {
    func testErasingOnlyWrittenPagesKeepsEveryByteRight() {
        var rng = SystemRandomNumberGenerator()
        for count in [1, 4095, 4096, 3 * 4096 + 133, 70 * 4096] {
            var s = Storage(count: count, bigEndian: false)
            var model = [UInt8](repeating: 0xFF, count: count)
            var copy: (Storage, [UInt8])?
            for step in 0..<3000 {
                let offset = Int.random(in: 0..<count, using: &rng)
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<5:
                    let size = min([1, 2, 4].randomElement(using: &rng)!, count - offset)
                    let v = UInt32.random(in: 0...UInt32.max, using: &rng)
                    s.store(offset, size, v)
                    for i in 0..<size { model[offset + i] = UInt8(truncatingIfNeeded: v >> UInt32(8 * i)) }
                case 5..<8:
                    // Erases: up to a few pages from anywhere, sometimes page-aligned and whole.
                    var lo = offset, n = Int.random(in: 1...3 * 4096, using: &rng)
                    if Bool.random(using: &rng) { lo = lo / 4096 * 4096; n = 4096 * Int.random(in: 1...3, using: &rng) }
                    s.fill(UInt64(lo), UInt64(n))
                    for i in lo..<min(count, lo + n) { model[i] = 0xFF }
                case 8:
                    let n = Int.random(in: 1...600, using: &rng), byte = UInt8.random(in: 0...254, using: &rng)
                    s.fill(UInt64(offset), UInt64(n), byte)
                    for i in offset..<min(count, offset + n) { model[i] = byte }
                default:
                    if step % 7 == 0 { copy = (s, model) }
                }
            }
            XCTAssertEqual(s.bytes, model, "count \(count)")
            if let (c, m) = copy { XCTAssertEqual(c.bytes, m, "copy, count \(count)") }
        }
    }
}
