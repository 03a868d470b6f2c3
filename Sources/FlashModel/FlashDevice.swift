import FlashEvents

// What both device models share: the ROMD switch (spec §1.1), the outer region beyond the
// backing image, the event buffer and the rejection of the last access. The state machines live
// in CFI01/CFI02 subclasses.
//
// Accesses come in with the offset inside the device's region and a size of 1, 2 or 4 (the bus
// splits wider and unaligned accesses, spec §1.3). Every event the access causes is appended to
// `events`; the caller drains it. What the access asked for and the device refused is in
// `rejection` until the next access. The model never formats text: events and rejections are
// typed values.

open class FlashDevice: @unchecked Sendable {
    public let config: DeviceConfig
    // Final: callers in other modules then reach the fields directly instead of through
    // getters that copy (and retain) the storage array and the event buffer.
    public final var storage: Storage
    /// Events emitted since the caller last cleared the buffer.
    public final var events: [FlashEvent] = []
    /// What the last access (read or write) asked for and the device refused; nil when nothing.
    /// One optional, not a buffer: every path through a write ends in at most one refusal, and
    /// the common case (nothing refused) then costs one store per access.
    @inlinable public final var rejection: Rejection? { lastRejection }
    /// Stored apart so the inlinable entry points below can clear it (an `internal(set)` setter
    /// is not visible to them).
    @usableFromInline final var lastRejection: Rejection?
    /// ROMD mode: reads are served from storage without reaching the state machine (untraced).
    public internal(set) final var romd = true
    /// Virtual clock in ns, set by the bus before every access and timer expiry.
    public final var now: UInt64 = 0
    /// Bytes of one chip (CFI02 mappings alias it).
    public let chipLength: UInt64
    /// First offset (within the chip) not backed by the image.
    public let backing: UInt64

    /// Builds a device with all-0xFF contents, or `initial` (image bytes, at most `backing` long,
    /// the rest 0xFF).
    public init(config: DeviceConfig, initial: [UInt8]? = nil) throws {
        try config.validate()
        self.config = config
        chipLength = config.chipLength
        backing = config.backing
        if let initial {
            var s = Storage(count: Int(backing), bigEndian: config.bigEndian)
            s.replace(0, with: initial[...])
            storage = s
        } else {
            storage = Storage(count: Int(backing), bigEndian: config.bigEndian)
        }
    }

    // MARK: bus entry points

    /// A read of `size` bytes; returns the device's 32-bit result (untruncated: the bus truncates).
    @inlinable
    public final func read(offset: UInt64, size: Int) -> UInt32 {
        lastRejection = nil
        let chipOffset = chipOffset(offset)
        if chipOffset &+ UInt64(size) > backing {
            events.append(FlashEvent(.outerRead, chipOffset, UInt64(size), 0))
            return 0
        }
        if romd { return storage.load(Int(chipOffset), size) }
        return ioRead(offset: offset, size: size)
    }

    @inlinable
    public final func write(offset: UInt64, size: Int, value: UInt32) {
        lastRejection = nil
        let chipOffset = chipOffset(offset)
        if chipOffset &+ UInt64(size) > backing {
            events.append(FlashEvent(.outerWrite, chipOffset, UInt64(size), UInt64(value)))
            return
        }
        ioWrite(offset: offset, size: size, value: value)
    }

    /// Offset inside the chip: CFI02 mappings alias one chip (spec §3.1); CFI01 has one mapping.
    @inlinable
    public final func chipOffset(_ offset: UInt64) -> UInt64 {
        offset < chipLength ? offset : offset % chipLength
    }

    // MARK: overridden by the models

    /// A read that reached the device callback (ROMD off).
    open func ioRead(offset: UInt64, size: Int) -> UInt32 { fatalError("abstract") }
    /// A write that reached the device callback (writes always do).
    open func ioWrite(offset: UInt64, size: Int, value: UInt32) { fatalError("abstract") }
    /// Device (system) reset.
    open func reset() { fatalError("abstract") }
    /// Deadline of the pending virtual-clock timer, if one is armed.
    open var timerDeadline: UInt64? { nil }
    /// Runs the timer callback (the bus sets `now` to the deadline first).
    open func fireTimer() {}

    // MARK: state the analyzer reads (names as in the spec)

    open var wcycle: UInt8 { 0 }
    open var cmd: UInt8 { 0 }
    open var status: UInt8 { 0 }

    /// `size` bytes of the contents at a chip offset (backed), read in place.
    @inlinable
    public final func contents(_ chipOffset: UInt64, _ size: Int) -> UInt32 {
        storage.load(Int(chipOffset), size)
    }

    /// Whether the storage bytes at [offset, offset+size) are backed (inside the image).
    public final func isBacked(_ offset: UInt64, _ size: Int) -> Bool { offset &+ UInt64(size) <= backing }
}

/// Builds the model for a configuration.
public func makeDevice(_ config: DeviceConfig, initial: [UInt8]? = nil) throws -> FlashDevice {
    switch config.type {
    case .cfi01: return try CFI01(config: config, initial: initial)
    case .cfi02: return try CFI02(config: config, initial: initial)
    }
}
