import FlashEvents

// Whether a recorded device was read-only, told by its own events (spec §1.2: `ro` does not
// stop the state machine; it suppresses the storage change and, on CFI01, sets error bits).
// The model's behaviour decides what counts:
//   CFI01 word program (§2.5 wcycle 1): "single byte program (1)" is followed by data_write
//     only when the device is writable; without it the data was refused (status 0x10).
//   CFI01 buffered data (§2.5 wcycle 2): data_write_block is emitted only when writable.
//   CFI01 block erase (§2.5 0x20): the event comes either way; the next status read shows 0x20
//     when the device refused it, and not when the erase was done.
//   CFI02 (§3): programs and erases emit the same events on a read-only device and set no status
//     bit, so its events prove nothing either way.

public struct WritabilityEvidence: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable { case writable, readOnly }

    /// The first proof seen, with the index of the event that gave it (the caller maps it to a line).
    public private(set) var verdict: Verdict?
    public private(set) var proofEvent: Int?
    public private(set) var reason = ""

    private let type: DeviceType
    private var afterProgram = false
    private var afterErase = false
    private var seen = 0

    public init(type: DeviceType) { self.type = type }

    /// Feeds the device's next recorded event.
    public mutating func observe(_ e: FlashEvent) {
        defer { seen += 1 }
        guard type == .cfi01, verdict == nil else { return }
        if afterProgram {
            afterProgram = false
            if e.kind == .dataWrite || e.kind == .dataWriteCounted { prove(.writable, "a word program stored its data") } else {
                prove(.readOnly, "a word program's data was refused (no data_write after \"single byte program (1)\")")
            }
            return
        }
        switch e.kind {
        case .write where e.textID == .singleByteProgram1:
            afterProgram = true
        case .dataWriteBlock:
            prove(.writable, "a write-to-buffer took data into the buffer")
        case .dataWriteCounted:
            prove(.writable, "buffered data was stored (QEMU before the update buffer)")
        case .writeBlockErase:
            afterErase = true
        case .ioRead where afterErase && e.cmd == 0x20:
            // Status mode after the erase setup (cmd stays 0x20): the value is the status register.
            afterErase = false
            if e.value & 0x20 == 0 { prove(.writable, "a block erase completed without the erase-error status bit") } else {
                prove(.readOnly, "the status after a block erase has the erase-error bit 0x20")
            }
        default:
            break
        }
    }

    /// Whether no event so far waits for the next one to decide (a program's data, an erase's
    /// status): reading on from here with a fresh state gives what reading on from this one does.
    public var atRest: Bool { !afterProgram && !afterErase }

    /// This evidence, then `later`'s, which was read from a fresh state over the events that
    /// followed: nil when that fresh start is not where this evidence left off (not at rest).
    public func followed(by later: WritabilityEvidence) -> WritabilityEvidence? {
        if verdict != nil {
            var done = self  // decided: the later events are only counted
            done.seen = seen &+ later.seen
            return done
        }
        guard atRest, later.type == type else { return nil }
        var next = later
        next.seen = seen &+ later.seen
        next.proofEvent = later.proofEvent.map { seen &+ $0 }
        return next
    }

    private mutating func prove(_ v: Verdict, _ why: String) {
        verdict = v
        proofEvent = seen
        reason = why
    }
}
