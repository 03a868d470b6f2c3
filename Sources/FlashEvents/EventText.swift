import Synchronization

// `write` events carry one of a few fixed texts (spec §5: QEMU's pflash_write strings). Events
// hold a small id instead of a String so a FlashEvent is a plain value: copying and comparing
// millions of them needs no reference counting. Texts from traces that are not in the table
// are registered once at run time.

public struct EventText: Hashable, Sendable {
    public let id: UInt32

    @inlinable public init(id: UInt32) { self.id = id }

    /// Computed, not stored: every event made passes it, and a stored static in another module
    /// is reached through a lazy-initialisation check.
    @inlinable public static var none: EventText { EventText(id: 0) }
    // CFI01 (spec §5 list)
    public static let singleByteProgram0 = EventText(id: 1)
    public static let singleByteProgram1 = EventText(id: 2)
    public static let clearStatusBits = EventText(id: 3)
    public static let blockUnlock = EventText(id: 4)
    public static let readStatusRegister = EventText(id: 5)
    public static let readDeviceInformation = EventText(id: 6)
    public static let cfiQuery = EventText(id: 7)
    public static let writeToBuffer = EventText(id: 8)
    public static let probeForAMDFlash = EventText(id: 9)
    public static let readArrayMode = EventText(id: 10)
    public static let unknownLockingCommand = EventText(id: 11)
    public static let leavingQueryMode = EventText(id: 12)
    public static let blockWriteFinished = EventText(id: 13)
    public static let invalidWriteState = EventText(id: 14)
    // CFI02
    public static let unlockSequenceStarted = EventText(id: 15)
    public static let unlockSequenceDone = EventText(id: 16)
    public static let invalidWriteInCFIQueryMode = EventText(id: 17)
    public static let invalidWriteStateWc7 = EventText(id: 18)

    /// The texts of the ids above, in id order.
    static let known: [String] = [
        "",
        "single byte program (0)", "single byte program (1)", "clear status bits", "block unlock",
        "read status register", "read device information", "CFI query", "write to buffer",
        "probe for AMD flash", "read array mode", "unknown (un)locking command", "leaving query mode",
        "block write finished", "invalid write state",
        "unlock sequence started", "unlock sequence done", "invalid write in CFI query mode",
        "invalid write state (wc 7)",
    ]

    /// Other texts met in traces; bounded so hostile input cannot grow it without limit.
    static let registry = Mutex<(strings: [String], ids: [String: UInt32])>(([], [:]))
    static let registryLimit = 1 << 16
    static let overflowText = "(text not kept: too many distinct texts)"

    public init(_ text: String) {
        if let i = EventText.known.firstIndex(of: text) {
            self.init(id: UInt32(i))
            return
        }
        let id = EventText.registry.withLock { r -> UInt32 in
            if let id = r.ids[text] { return id }
            if r.strings.count >= EventText.registryLimit { return UInt32.max }
            r.strings.append(text)
            let id = UInt32(EventText.known.count + r.strings.count - 1)
            r.ids[text] = id
            return id
        }
        self.init(id: id)
    }

    public var string: String {
        if Int(id) < EventText.known.count { return EventText.known[Int(id)] }
        if id == UInt32.max { return EventText.overflowText }
        let i = Int(id) - EventText.known.count
        return EventText.registry.withLock { $0.strings[i] }
    }
}
