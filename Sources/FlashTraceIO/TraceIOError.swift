// Errors of the trace codecs. Kept apart from the parsers so the CLI can report every failure of
// reading or writing a trace the same way ("file:line: message" or "write to X failed: ...").

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A line of a trace (JSON lines or QEMU log) that does not follow its format.
public struct TraceFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based input line; 0 when not tied to an input line (e.g. a record rejected by the writer).
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}

/// A failed system call on a trace file: open, read, write, close. `code` is the errno value.
public struct TraceIOError: Error, Equatable, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String?
    public var code: Int32

    public init(operation: String, path: String?, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String {
        let target = path.map { " \($0)" } ?? ""
        return "\(operation)\(target) failed: \(String(cString: strerror(code)))"
    }
}
