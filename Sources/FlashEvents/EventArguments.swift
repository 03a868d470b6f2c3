// Event arguments by name, generated from the vocabulary (EventSpec.table): each accessor finds
// its argument's position in the kind's declaration through a table built once from the specs,
// so no call site reads `a0…a4` by position. An event without the argument reads 0.

/// Names of the integer arguments that events of the vocabulary declare (a test checks that
/// every declared integer argument has one).
public enum EventArgument: Int, CaseIterable, Sendable {
    case offset, size, value, counter, cmd, wcycle, len, start, end, ret, id, count, width1, width2, addr0, wc, width, max

    /// The name as EventSpec declares it.
    public var name: String { EventArgument.names[rawValue] }
    static let names = ["offset", "size", "value", "counter", "cmd", "wcycle", "len", "start", "end", "ret", "id",
                        "count", "width1", "width2", "addr0", "wc", "width", "max"]

    /// Position of each argument in each kind's declaration (-1: the kind has none), indexed
    /// `argument * kinds + kind`.
    @usableFromInline static let positions: [Int8] = EventArgument.allCases.flatMap { arg in
        EventSpec.table.map { spec in Int8(spec.args.firstIndex { $0.name == arg.name } ?? -1) }
    }
}

extension FlashEvent {
    /// The integer argument `name`, or 0 when this kind has no such argument.
    @inlinable
    public subscript(_ name: EventArgument) -> UInt64 {
        get {
            let p = EventArgument.positions[name.rawValue &* EventSpec.table.count &+ Int(kind.rawValue)]
            return p < 0 ? 0 : self[argument: Int(p)]
        }
        set {
            let p = EventArgument.positions[name.rawValue &* EventSpec.table.count &+ Int(kind.rawValue)]
            if p >= 0 { self[argument: Int(p)] = newValue }
        }
    }

    /// Whether this kind declares the argument.
    @inlinable public func has(_ name: EventArgument) -> Bool {
        EventArgument.positions[name.rawValue &* EventSpec.table.count &+ Int(kind.rawValue)] >= 0
    }

    @inlinable public var offset: UInt64 { self[.offset] }
    @inlinable public var size: UInt64 { self[.size] }
    @inlinable public var value: UInt64 { self[.value] }
    @inlinable public var counter: UInt64 { self[.counter] }
    @inlinable public var cmd: UInt64 { self[.cmd] }
    @inlinable public var wcycle: UInt64 { self[.wcycle] }
    @inlinable public var len: UInt64 { self[.len] }
    @inlinable public var start: UInt64 { self[.start] }
    @inlinable public var end: UInt64 { self[.end] }
    @inlinable public var ret: UInt64 { self[.ret] }
}
