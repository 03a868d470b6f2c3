import Crypto
import Foundation

// Initial flash contents from image files, with their SHA-256 for the trace header.

public struct ImageFile: Sendable {
    public var path: String
    public var bytes: [UInt8]
    public var sha256: String
    /// Size of the whole file (`bytes` stops at the limit).
    public var fileSize: UInt64

    /// Reads at most `limit` bytes (a device never needs more than its chip length); the hash
    /// covers the whole file so it identifies the image as given.
    public init(path: String, limit: UInt64? = nil) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw TraceIOError(operation: "open image", path: path, code: errno == 0 ? ENOENT : errno)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes: [UInt8] = []
        var total: UInt64 = 0
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw TraceIOError(operation: "read image", path: path, code: EIO)
            }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
            total += UInt64(chunk.count)
            if limit.map({ UInt64(bytes.count) < $0 }) ?? true { bytes.append(contentsOf: chunk) }
        }
        if let limit, UInt64(bytes.count) > limit { bytes.removeLast(bytes.count - Int(limit)) }
        self.path = path
        fileSize = total
        self.bytes = bytes
        sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
