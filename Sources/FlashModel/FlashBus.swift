import FlashEvents

// The bus in front of the devices: routes absolute addresses, splits accesses the way QEMU's
// memory core does for bus masters and qtest (spec §1.3), keeps the virtual clock and fires the
// devices' timers in deadline order. Events are collected with the device index and clock.

public struct BusEvent: Sendable, Equatable {
    public var device: Int
    public var ts: UInt64
    public var event: FlashEvent
}

public enum BusError: Error, Equatable, CustomStringConvertible {
    case unmapped(UInt64)
    case badSize(Int)

    public var description: String {
        switch self {
        case .unmapped(let a): return "address 0x\(String(a, radix: 16)) is not mapped by any device"
        case .badSize(let s): return "access size \(s) is not 1, 2, 4 or 8"
        }
    }
}

public final class FlashBus: @unchecked Sendable {
    public let devices: [FlashDevice]
    public private(set) var now: UInt64 = 0
    /// Events since the caller last drained them, in emission order.
    public var output: [BusEvent] = []

    /// Each device's [base, base + regionSize), copied out of the configurations: routing runs
    /// for every access.
    private let bases: [UInt64]
    private let sizes: [UInt64]

    public init(devices: [FlashDevice]) {
        self.devices = devices
        bases = devices.map(\.config.addr)
        sizes = devices.map(\.config.regionSize)
    }

    public func index(named name: String) -> Int? { devices.firstIndex { $0.config.name == name } }

    /// Device and region offset for an absolute address.
    public func route(_ addr: UInt64) -> (device: Int, offset: UInt64)? {
        for i in bases.indices where addr >= bases[i] && addr - bases[i] < sizes[i] { return (i, addr - bases[i]) }
        return nil
    }

    private func collect(_ i: Int) {
        let d = devices[i]
        if d.events.isEmpty { return }
        let ts = now
        d.events.withUnsafeBufferPointer { events in
            for e in events { output.append(BusEvent(device: i, ts: ts, event: e)) }
        }
        d.events.removeAll(keepingCapacity: true)
    }

    /// Splits [addr, addr+size) into naturally aligned pieces of at most 4 bytes, as
    /// `flatview_write_continue`/`memory_access_size` do for devices without unaligned support.
    @inline(__always)
    private func pieces(_ addr: UInt64, _ size: Int, _ body: (UInt64, Int, Int) throws -> Void) rethrows {
        var pos = 0
        while pos < size {
            let a = addr &+ UInt64(pos)
            var l = min(size - pos, 4)
            let align = a == 0 ? 4 : Int(min(a & (~a &+ 1), 4))
            l = min(l, align)
            l = l >= 4 ? 4 : l >= 2 ? 2 : 1
            try body(a, l, pos)
            pos += l
        }
    }

    public func write(_ addr: UInt64, size: Int, value: UInt64) throws {
        guard size == 1 || size == 2 || size == 4 || size == 8 else { throw BusError.badSize(size) }
        try pieces(addr, size) { a, l, pos in
            guard let (i, off) = route(a) else { throw BusError.unmapped(a) }
            let v = UInt32(truncatingIfNeeded: (value >> UInt64(8 * pos)) & (l == 4 ? 0xFFFF_FFFF : (1 << UInt64(8 * l)) - 1))
            devices[i].now = now
            devices[i].write(offset: off, size: l, value: v)
            collect(i)
        }
    }

    /// Returns what the bus master sees: each piece truncated to its size, assembled little-endian.
    public func read(_ addr: UInt64, size: Int) throws -> UInt64 {
        guard size == 1 || size == 2 || size == 4 || size == 8 else { throw BusError.badSize(size) }
        var result: UInt64 = 0
        try pieces(addr, size) { a, l, pos in
            guard let (i, off) = route(a) else { throw BusError.unmapped(a) }
            devices[i].now = now
            let v = devices[i].read(offset: off, size: l)
            collect(i)
            let truncated = l == 4 ? UInt64(v) : UInt64(v) & ((1 << UInt64(8 * l)) - 1)
            result |= truncated << UInt64(8 * pos)
        }
        return result
    }

    /// Earliest pending timer deadline over all devices.
    public var nextDeadline: UInt64? { devices.compactMap(\.timerDeadline).min() }

    /// Advances the virtual clock by `ns`, or to the next deadline when nil (qtest `clock_step`),
    /// firing every timer that falls due on the way, each at its own deadline. Returns the ns advanced.
    @discardableResult
    public func step(_ ns: UInt64?) -> UInt64 {
        let start = now
        let target: UInt64
        // Saturating: a wrapped target would move the clock backwards (and `now - start` trap).
        if let ns { let (t, o) = now.addingReportingOverflow(ns); target = o ? .max : t } else if let d = nextDeadline { target = max(d, now) } else { return 0 }
        while let d = nextDeadline, d <= target {
            now = max(now, d)
            fireFirstDue(at: d)
        }
        now = target
        return now - start
    }

    /// Fires the timer of the first device (in device order) whose deadline is `d`.
    private func fireFirstDue(at d: UInt64) {
        for (i, dev) in devices.enumerated() where dev.timerDeadline == d {
            dev.now = now
            dev.fireTimer()
            collect(i)
            return
        }
    }

    /// Fires one device's pending timer now, whatever its deadline (replay of a recorded expiry).
    public func fireTimer(device i: Int, at ts: UInt64? = nil) {
        if let ts { now = max(now, ts) }
        devices[i].now = now
        devices[i].fireTimer()
        collect(i)
    }

    /// Sets the clock (replay follows the trace's timestamps).
    public func setClock(_ ns: UInt64) { now = ns }

    /// Machine reset: every device's reset handler, in device order.
    public func systemReset() {
        for (i, d) in devices.enumerated() {
            d.now = now
            d.reset()
            collect(i)
        }
    }
}
