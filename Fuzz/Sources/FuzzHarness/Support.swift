// What every driver shares: an oracle that turns a violated expectation into a crash libFuzzer
// records (fatalError traps, the sanitizer prints the stack), and a reader of structured values
// from the fuzzer's bytes.

#if canImport(Glibc)
import Glibc
#endif

/// Drivers take the raw input; all of them are entered through `Drivers`.
public enum Drivers {}

/// Records stop after this many inputs of one run: every parser is linear, so more only slows
/// the fuzzer down without reaching new code.
let maxItemsPerInput = 20_000

@inline(__always)
func expect(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz oracle: " + message()) }
}

/// Hands out integers from the input, then zeros once it is exhausted (so every input decodes).
struct ByteStream {
    private let bytes: [UInt8]
    private var i = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isEmpty: Bool { i >= bytes.count }

    mutating func u8() -> UInt8 {
        guard i < bytes.count else { return 0 }
        defer { i += 1 }
        return bytes[i]
    }

    mutating func u16() -> UInt16 { UInt16(u8()) | UInt16(u8()) << 8 }
    mutating func u32() -> UInt32 { UInt32(u16()) | UInt32(u16()) << 16 }
    mutating func u64() -> UInt64 { UInt64(u32()) | UInt64(u32()) << 32 }

    /// One of `choices`, picked by the next byte.
    mutating func pick<T>(_ choices: [T]) -> T { choices[Int(u8()) % choices.count] }
}

/// Line-reader limits for one input. Seeds (traces and logs) start with a printable byte and get
/// the defaults; a first byte with the high bit set (a mutation) selects tiny buffers so refills,
/// overlong lines and torn lines are reached with small inputs. Returns the bytes to parse.
func readerLimits(_ data: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], maxLine: Int, chunk: Int) {
    // Inputs are at most a few KiB: megabyte buffers (the readers' defaults) would only cost
    // page faults on every run.
    guard let first = data.first, first & 0x80 != 0 else { return (Array(data), 1 << 16, 1 << 12) }
    return (Array(data.dropFirst()), 1 + Int(first & 0x3F) * 4, 1 + Int(first >> 4 & 0x3))
}

/// An in-memory file for write/read-back oracles: the writers only write to descriptors.
final class ScratchFile {
    let fd: Int32

    init() {
        // An unlinked temporary file: memfd_create is not in the Glibc module map.
        guard let file = tmpfile() else { fatalError("tmpfile failed") }
        fd = fileno(file)
    }

    /// Empties the file before a driver writes to it.
    func reset() {
        expect(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0, "cannot reset the scratch file")
    }

    /// Everything written since `reset`.
    func contents() -> [UInt8] {
        let size = Int(lseek(fd, 0, SEEK_END))
        var out = [UInt8](repeating: 0, count: size)
        let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, 0) }
        expect(n == size, "short read of the scratch file")
        return out
    }
}
