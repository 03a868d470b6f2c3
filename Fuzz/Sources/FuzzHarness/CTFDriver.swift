import FlashLTTng
import FlashTraceIO
#if canImport(Glibc)
import Glibc
#endif

// The native CTF decoder (CCTFReader's metadata.c and ctf_native.c) over a hostile trace
// directory. The input is split into files:
//   bytes 0-1   L, little-endian: the length of the metadata
//   L bytes     `metadata` (plain TSDL, or packetized with 0x75D11D57 headers)
//   bytes 2     S, little-endian: where the rest splits
//   the rest    `channel0_0` gets its first S bytes, `channel0_1` what follows (absent when
//               S >= the rest's length, so traces with one stream file are reachable too)
// Short inputs give a shorter metadata and no stream files. The files live in one directory per
// process on /dev/shm, rewritten for every input. The reader must decline (CTFReadError), stop
// with a TraceFormatError, or read to the end; it is never allowed to trap, hang or grow without
// bound.

/// Items read per input at most: a long but legitimate stream is not a hang.
let maxCTFItemsPerInput = 100_000

private let ctfDirectory: String = {
    let dir = "/dev/shm/flashtrace-fuzz-ctf-\(getpid())"
    mkdir(dir, 0o700)
    // libFuzzer ends with exit(): leave no directory behind.
    atexit {
        for name in ["metadata", "channel0_0", "channel0_1"] { unlink("\(ctfDirectory)/\(name)") }
        rmdir(ctfDirectory)
    }
    return dir
}()

/// Writes `bytes` to `dir/name` (created or truncated), or removes the file when nil.
private func put(_ name: String, _ bytes: ArraySlice<UInt8>?) {
    let path = "\(ctfDirectory)/\(name)"
    guard let bytes else { unlink(path); return }
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    expect(fd >= 0, "cannot create \(path)")
    defer { close(fd) }
    var done = 0
    bytes.withUnsafeBytes { b in
        while done < b.count {
            let n = write(fd, b.baseAddress! + done, b.count - done)
            expect(n > 0, "cannot write \(path)")
            done += n
        }
    }
}

extension Drivers {
    public static func ctf(_ data: UnsafeBufferPointer<UInt8>) {
        let bytes = Array(data)
        var at = 0
        func take(_ n: Int) -> ArraySlice<UInt8> {
            let end = min(bytes.count, at + n)
            defer { at = end }
            return bytes[at..<end]
        }
        let l = take(2).reversed().reduce(0) { $0 << 8 | Int($1) }
        put("metadata", take(l))
        let split = take(2).reversed().reduce(0) { $0 << 8 | Int($1) }
        let rest = bytes[at...]
        put("channel0_0", rest.isEmpty ? nil : rest.prefix(split))
        put("channel0_1", split < rest.count ? rest.dropFirst(split) : nil)

        let reader: CTFTraceReader
        do {
            reader = try CTFTraceReader(path: ctfDirectory, decoder: .native)
        } catch is CTFReadError {
            return  // declined: not of lttng-ust's shape, or not whole
        } catch is TraceFormatError {
            return  // the first events (read for the header) do not decode
        } catch {
            fatalError("CTFTraceReader threw \(type(of: error)): \(error)")
        }
        expect(reader.decoder == .native, "asked for the native decoder, got \(reader.decoder)")
        var r = reader
        defer { r.close() }
        for _ in 0..<maxCTFItemsPerInput {
            do {
                guard try r.nextItem() != nil else { break }
            } catch is TraceFormatError {
                break
            } catch {
                fatalError("nextItem threw \(type(of: error)): \(error)")
            }
        }
    }
}
