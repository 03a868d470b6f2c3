import Foundation
import Synchronization

// SIGINT and SIGTERM during `record`: the handler only notes the signal; the recording loop
// polls it between batches of operations, then flushes, writes the end line (marked as
// interrupted) and exits 128+signal like a shell would report the kill. SIGPIPE is ignored so a
// closed reader (`record -o - | head`) becomes an EPIPE write error with a message instead of a
// silent death.

/// The signal that asked to stop, 0 while none did. Lock-free, so the handler may store to it.
private let requestedStop = Atomic<Int32>(0)

enum StopSignals {
    /// Installs the handlers (and ignores SIGPIPE). Call before the first output is written.
    static func install() {
        _ = requestedStop.load(ordering: .relaxed)  // initialise the global outside the handler
        signal(SIGPIPE, SIG_IGN)
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { requestedStop.store($0, ordering: .relaxed) }
        }
    }

    /// The pending stop request, if any.
    static var requested: Int32? {
        let sig = requestedStop.load(ordering: .relaxed)
        return sig == 0 ? nil : sig
    }

    static func name(_ sig: Int32) -> String { sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal \(sig)" }
}
