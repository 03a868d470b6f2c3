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

    public init(devices: [JSONValue], extra: [(String, JSONValue)] = []) {
        version = TraceHeader.currentVersion
        self.devices = devices
        self.extra = extra
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
        extra = members.filter { !["format", "version", "devices"].contains($0.0) }
    }

    /// The header as written: format, version, devices, then the extra keys.
    public var json: JSONValue {
        .object([("format", .string(TraceHeader.formatName)), ("version", .uint(version)),
                 ("devices", .array(devices))] + extra)
    }
}

extension TraceHeader: Equatable {
    public static func == (a: TraceHeader, b: TraceHeader) -> Bool { a.json == b.json }
}
