// Line 1 of a JSON-lines trace: {"format":"flashtrace","version":1,"devices":[...],...}.
// Devices stay JSON objects here; turning them into DeviceConfig belongs to whoever owns the
// --device vocabulary, so this file never has to follow changes to the model's properties.

public struct TraceHeader: Sendable {
    public static let formatName = "flashtrace"
    public static let currentVersion: UInt64 = 1

    public var version: UInt64
    /// One JSON object per device, in the order the trace declares them.
    public var devices: [JSONValue]
    /// Any further header keys, in order (kept so a trace can be rewritten without losing them).
    public var extra: [(String, JSONValue)]
    /// `"end-line":true`: the trace ends with an end line (JSONLinesEnd.swift), and lacking one
    /// means it was cut short. A property of the file, not of the devices, so `==` ignores it.
    public var promisesEndLine = false
    /// `"qemu":"10.0.2"`: the QEMU whose behaviour the trace records (its version string as
    /// given). Absent in every trace made before versions were recorded: those are 7.2.22's.
    public var qemu: String?

    public init(devices: [JSONValue], extra: [(String, JSONValue)] = [], qemu: String? = nil) {
        version = TraceHeader.currentVersion
        self.devices = devices
        self.extra = extra
        self.qemu = qemu
    }

    /// Validates a parsed header line; errors are reported on line 1.
    public init(json: JSONValue) throws {
        func fail(_ message: String) -> TraceFormatError { TraceFormatError(line: 1, message: message) }
        guard case .object(let members) = json, let format = json["format"] else { throw fail("missing header line") }
        guard format.stringValue == TraceHeader.formatName else {
            throw fail("not a flashtrace trace (format \(format.serialized))")
        }
        guard let version = json["version"]?.uint64Value else { throw fail("expected integer for \"version\" in header") }
        guard version == TraceHeader.currentVersion else {
            throw fail("unsupported version \(version) (this reader knows \(TraceHeader.currentVersion))")
        }
        guard let devicesValue = json["devices"] else { throw fail("missing \"devices\" in header") }
        guard let devices = devicesValue.arrayValue, devices.allSatisfy({ $0.objectValue != nil }) else {
            throw fail("expected an array of objects for \"devices\" in header")
        }
        self.version = version
        self.devices = devices
        if let promise = json[TraceEnd.headerKey] {
            guard let on = promise.boolValue else { throw fail("expected true or false for \"\(TraceEnd.headerKey)\" in header") }
            promisesEndLine = on
        }
        if let q = json["qemu"] {
            guard let text = q.stringValue else { throw fail("expected a version string such as \"10.0.2\" for \"qemu\" in header") }
            qemu = text
        }
        extra = members.filter { !["format", "version", "devices", "qemu", TraceEnd.headerKey].contains($0.0) }
    }

    /// The header as written: format, version, devices, then the extra keys.
    public var json: JSONValue {
        .object([("format", .string(TraceHeader.formatName)), ("version", .uint(version))]
                + (qemu.map { [("qemu", JSONValue.string($0))] } ?? [])
                + [("devices", .array(devices))] + extra + (promisesEndLine ? [(TraceEnd.headerKey, .bool(true))] : []))
    }
}

extension TraceHeader: Equatable {
    /// Same version, devices and extra keys (not `promisesEndLine`: how the file ends).
    public static func == (a: TraceHeader, b: TraceHeader) -> Bool {
        var a = a, b = b
        a.promisesEndLine = false
        b.promisesEndLine = false
        return a.json == b.json
    }
}
