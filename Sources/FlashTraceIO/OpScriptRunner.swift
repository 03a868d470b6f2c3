import FlashEvents
import FlashModel

// Drives a FlashBus with an op script and hands every emitted event, numbered and time-stamped,
// to a sink. `record` and the conformance tests share it, so both see the same event stream.

public struct ReadResult: Sendable, Equatable {
    public var op: Op
    public var value: UInt64
}

public enum RunError: Error, CustomStringConvertible {
    case bus(file: String, line: Int, BusError)

    public var description: String {
        switch self {
        case .bus(let file, let line, let e): return "\(file):\(line): \(e)"
        }
    }
}

public final class OpScriptRunner {
    public let bus: FlashBus
    public private(set) var seq: UInt64 = 0
    private let names: [String]

    public init(bus: FlashBus) {
        self.bus = bus
        names = bus.devices.map(\.config.name)
    }

    /// Machine start: QEMU resets every device before the first guest access.
    public func start(sink: (TraceRecord) throws -> Void) rethrows {
        bus.systemReset()
        try drain(sink)
    }

    /// Runs the script once. `onRead` sees every read's bus value (e.g. to compare with `# =>`).
    public func run(_ script: OpScript, onRead: (ReadResult) -> Void = { _ in },
                    sink: (TraceRecord) throws -> Void) throws {
        for op in script.ops { try run(op, file: script.name, onRead: onRead, sink: sink) }
    }

    /// Runs one operation of the script file `file` (named in errors).
    public func run(_ op: Op, file: String, onRead: (ReadResult) -> Void = { _ in },
                    sink: (TraceRecord) throws -> Void) throws {
        do {
            switch op.kind {
            case .write(let addr, let size, let value):
                try bus.write(addr, size: size, value: value)
            case .read(let addr, let size, _):
                let v = try bus.read(addr, size: size)
                onRead(ReadResult(op: op, value: v))
            case .clockStep(let ns):
                bus.step(ns)
            case .systemReset:
                bus.systemReset()
            }
        } catch let e as BusError {
            throw RunError.bus(file: file, line: op.line, e)
        }
        try drain(sink)
    }

    private func drain(_ sink: (TraceRecord) throws -> Void) rethrows {
        if bus.output.isEmpty { return }
        defer { bus.output.removeAll(keepingCapacity: true) }
        try bus.output.withUnsafeBufferPointer { output in
            try names.withUnsafeBufferPointer { names in
                for e in output {
                    try sink(TraceRecord(seq: seq, ts: e.ts, device: names[e.device], event: e.event))
                    seq += 1
                }
            }
        }
    }
}
