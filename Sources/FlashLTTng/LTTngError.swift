// Errors of the LTTng sink and session handling. `unavailable` means the machine lacks a piece
// (runtime, probe library, lttng-tools): the CLI reports it as such, distinct from bad usage.

public struct LTTngError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case unavailable, failed }
    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
