import CFlashTracepoints
import Foundation
import FlashEvents
import FlashTraceIO

// The LTTng sink of `record`: every TraceRecord becomes one `flashtrace:<event>` tracepoint with
// the JSON-lines fields, and each device's header object is emitted first as
// `flashtrace:device_config`, so a CTF trace replays without extra flags.
//
// Cost matters because the sink runs inside the model's loop: the enabled check is an inlined
// load of the tracepoint's state word (no call when nothing records), and device names are C
// strings made once per device (a Swift String passed as `const char *` costs 47-76 ns).

public final class LTTngSink {
    @usableFromInline var names: [String] = []
    @usableFromInline var cNames: [UnsafeMutablePointer<CChar>] = []
    private let header: TraceHeader

    /// Loads the probe library (see ProviderLibrary) and prepares the device names of `header`.
    public init(header: TraceHeader) throws(LTTngError) {
        try ProviderLibrary.load()
        self.header = header
        for device in header.devices {
            if let name = device["name"]?.stringValue { _ = cName(name) }
        }
    }

    deinit { for p in cNames { free(p) } }

    /// Whether a session records any flashtrace event (LTTng enables the tracepoints while
    /// the process registers, which finishes before the probe library's dlopen returns).
    public var isRecording: Bool { ft_tp_any_enabled() != 0 }

    /// Emits `device_config` for every device of the header; call before the first record.
    public func start() {
        for device in header.devices {
            guard let name = device["name"]?.stringValue else { continue }
            // A CTF trace has no header line: the QEMU version rides along with each device.
            var object = device
            if let qemu = header.qemu, let members = device.objectValue { object = .object(members + [("qemu", .string(qemu))]) }
            object.serialized.withCString { ft_tp_device_config(cName(name), $0) }
        }
    }

    @inlinable
    public func emit(_ record: TraceRecord) {
        let kind = UInt32(record.event.kind.rawValue)
        if ft_tp_enabled(kind) != 0 { fire(record, kind: kind) }
    }

    @usableFromInline
    func fire(_ r: TraceRecord, kind: UInt32) {
        let e = r.event
        let dev = cName(r.device)
        // A record without a clock is written with ts = UInt64.max (the reader maps it back).
        let ts = r.ts ?? .max
        if e.kind == .write {
            e.text.withCString { ft_tp_emit(kind, dev, r.seq, ts, e.a0, e.a1, e.a2, e.a3, e.a4, $0) }
        } else {
            ft_tp_emit(kind, dev, r.seq, ts, e.a0, e.a1, e.a2, e.a3, e.a4, nil)
        }
    }

    /// The C string of a device name. Few devices: a linear search whose `==` is a pointer or
    /// small-string comparison, since the runner passes the same String values each time.
    @usableFromInline
    func cName(_ name: String) -> UnsafeMutablePointer<CChar> {
        // Runs of one device are the rule: the previous answer first.
        if let last = lastC, name == lastName { return last }
        let c = lookUp(name)
        lastName = name
        lastC = c
        return c
    }

    @usableFromInline var lastName = ""
    @usableFromInline var lastC: UnsafeMutablePointer<CChar>?

    private func lookUp(_ name: String) -> UnsafeMutablePointer<CChar> {
        for i in names.indices where names[i] == name { return cNames[i] }
        names.append(name)
        cNames.append(strdup(name)!)
        return cNames[cNames.count - 1]
    }
}

extension LTTngSink: TraceSink {
    /// The devices were given at init (their C names are made once); this emits device_config.
    public func begin(_ header: TraceHeader) throws { start() }
    public func write(_ record: TraceRecord, line: Int) throws { emit(record) }
    public func finish() throws {}
}
