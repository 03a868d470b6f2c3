// A typed event value. Arguments are kept positionally (in the order EventSpec declares them)
// as 64-bit integers so every event fits in one fixed-size value with no allocation; the one
// string argument (`write`'s text) is a separate field.

public struct FlashEvent: Equatable, Hashable, Sendable {
    public var kind: EventKind
    public var a0: UInt64 = 0
    public var a1: UInt64 = 0
    public var a2: UInt64 = 0
    public var a3: UInt64 = 0
    public var a4: UInt64 = 0
    /// The `str` argument of `write` (`EventText.none` for every other kind).
    public var textID: EventText = .none

    @inlinable
    public init(_ kind: EventKind, _ a0: UInt64 = 0, _ a1: UInt64 = 0, _ a2: UInt64 = 0,
                _ a3: UInt64 = 0, _ a4: UInt64 = 0, textID: EventText = .none) {
        self.kind = kind
        self.a0 = a0; self.a1 = a1; self.a2 = a2; self.a3 = a3; self.a4 = a4
        self.textID = textID
    }

    public init(_ kind: EventKind, _ a0: UInt64 = 0, _ a1: UInt64 = 0, _ a2: UInt64 = 0,
                _ a3: UInt64 = 0, _ a4: UInt64 = 0, text: String) {
        self.init(kind, a0, a1, a2, a3, a4, textID: EventText(text))
    }

    /// The `str` argument of `write`; empty for every other kind.
    public var text: String {
        get { textID.string }
        set { textID = EventText(newValue) }
    }

    /// Integer argument by declaration index (0-based, after the device name).
    @inlinable
    public subscript(argument index: Int) -> UInt64 {
        get {
            switch index {
            case 0: return a0
            case 1: return a1
            case 2: return a2
            case 3: return a3
            default: return a4
            }
        }
        set {
            switch index {
            case 0: a0 = newValue
            case 1: a1 = newValue
            case 2: a2 = newValue
            case 3: a3 = newValue
            default: a4 = newValue
            }
        }
    }

    /// Replay compares every recorded event with the model's. The synthesized version (and any
    /// chain of `&&`) becomes a memcmp call; or-ing the differences stays a few instructions.
    @inlinable
    public static func == (l: FlashEvent, r: FlashEvent) -> Bool {
        let args = (l.a0 ^ r.a0) | (l.a1 ^ r.a1) | (l.a2 ^ r.a2) | (l.a3 ^ r.a3) | (l.a4 ^ r.a4)
        let rest = UInt64(l.kind.rawValue ^ r.kind.rawValue) | UInt64(l.textID.id ^ r.textID.id)
        return args | rest == 0
    }

    /// Integer argument by name, nil when the kind has no such argument.
    public func argument(_ name: String) -> UInt64? {
        guard let i = kind.spec.args.firstIndex(where: { $0.name == name }) else { return nil }
        return self[argument: i]
    }
}

// Constructors named after the events, so model code reads like the spec's event lists.
extension FlashEvent {
    @inlinable public static func ioWrite(_ offset: UInt64, _ size: Int, _ value: UInt32, wcycle: UInt8) -> FlashEvent {
        FlashEvent(.ioWrite, offset, UInt64(size), UInt64(value), UInt64(wcycle))
    }
    @inlinable public static func ioRead(_ offset: UInt64, _ size: Int, _ value: UInt32, cmd: UInt8, wcycle: UInt8) -> FlashEvent {
        FlashEvent(.ioRead, offset, UInt64(size), UInt64(value), UInt64(cmd), UInt64(wcycle))
    }
    @inlinable public static func dataRead(_ offset: UInt64, _ size: Int, _ value: UInt32) -> FlashEvent {
        FlashEvent(.dataRead, offset, UInt64(size), UInt64(value))
    }
    @inlinable public static func dataWrite(_ offset: UInt64, _ size: Int, _ value: UInt32) -> FlashEvent {
        FlashEvent(.dataWrite, offset, UInt64(size), UInt64(value))
    }
    @inlinable public static func write(_ text: EventText) -> FlashEvent { FlashEvent(.write, textID: text) }
    public static func write(_ text: String) -> FlashEvent { FlashEvent(.write, text: text) }
    @inlinable public static func cmd(_ kind: EventKind, _ cmd: UInt8) -> FlashEvent { FlashEvent(kind, UInt64(cmd)) }
    @inlinable public static var reset: FlashEvent { FlashEvent(.reset) }
    @inlinable public static var modeReadArray: FlashEvent { FlashEvent(.modeReadArray) }
}

/// An event as it sits in a trace: which device, when, and its position.
public struct TraceRecord: Equatable, Sendable {
    /// Position in the trace, counting events from 0.
    public var seq: UInt64
    /// Virtual clock (record) or wall clock (QEMU log with timestamps) in ns; nil when unknown.
    public var ts: UInt64?
    public var device: String
    public var event: FlashEvent

    @inlinable
    public init(seq: UInt64, ts: UInt64?, device: String, event: FlashEvent) {
        self.seq = seq; self.ts = ts; self.device = device; self.event = event
    }
}
