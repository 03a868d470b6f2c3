// Event arguments by name, from the vocabulary (EventSpec.table): the typed accessors (`offset`,
// `size`, `value`, …) are generated into EventArguments+Generated.swift; `e[.name]` looks the
// position up in a table built once from the specs. No call site reads `a0…a4` by position.

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

}
