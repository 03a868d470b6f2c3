// Why a trace could not be opened or its devices resolved. The kind decides the CLI's exit
// status (README "Exit status"); the message already names the file (and line) and what was expected.

public struct SessionError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// The options given contradict each other or the trace (exit 64).
        case usage
        /// The trace itself is malformed (exit 65).
        case malformed
        /// A file could not be read (exit 66).
        case unreadable
        /// A part of the machine the trace needs is missing, such as libbabeltrace2 (exit 69).
        case unavailable
    }

    public var kind: Kind
    public var message: String
    public var description: String { message }

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
