import FlashModel

// Header device objects <-> DeviceConfig. Each device object holds `name`, `type`, `addr`,
// `size` (region bytes), `backing-size`, `readonly`, every model property under its QEMU name,
// and `image` {path, sha256} when one was given.

extension TraceHeader {
    /// `qemu`: the version the trace's behaviour is that of (written as given).
    public init(configs: [DeviceConfig], qemu: QEMUVersion? = nil) {
        self.init(devices: configs.map(TraceHeader.device), qemu: qemu?.description)
    }

    /// The header line for these devices.
    public static func make(_ configs: [DeviceConfig], qemu: QEMUVersion? = nil) -> TraceHeader { TraceHeader(configs: configs, qemu: qemu) }

    /// The QEMU version the header names (7.2.22 when it names none); throws for one that is
    /// malformed, older than 6.0 or of an era the model does not follow.
    public func qemuVersion() throws -> QEMUVersion {
        guard let text = qemu else { return .debian12 }
        guard let v = QEMUVersion(text) else { throw SpecError("header: \"qemu\": \"\(text)\" is not a version such as 10.0.2") }
        _ = try v.requireEra()
        return v
    }

    static func device(_ c: DeviceConfig) -> JSONValue {
        var o: [(String, JSONValue)] = [
            ("name", .string(c.name)),
            ("type", .string(c.type.rawValue)),
            ("addr", .uint(c.addr)),
            ("size", .uint(c.regionSize)),
            ("backing-size", .uint(c.backing)),
            ("readonly", .bool(c.readonly)),
        ]
        switch c.type {
        case .cfi01:
            o += [("num-blocks", .uint(c.numBlocks)), ("sector-length", .uint(c.sectorLength)),
                  ("width", .uint(UInt64(c.width))), ("device-width", .uint(UInt64(c.deviceWidth))),
                  ("max-device-width", .uint(UInt64(c.maxDeviceWidth))),
                  ("old-multiple-chip-handling", .bool(c.oldMultipleChipHandling))]
        case .cfi02:
            o += [("num-blocks", .uint(c.numBlocks)), ("sector-length", .uint(c.sectorLength))]
            for i in 0..<4 {
                o += [("num-blocks\(i)", .uint(c.regionBlocks[i])), ("sector-length\(i)", .uint(c.regionSectorLength[i]))]
            }
            o += [("width", .uint(UInt64(c.width))), ("mappings", .uint(UInt64(c.mappings))),
                  ("unlock-addr0", .uint(UInt64(c.unlockAddr0))), ("unlock-addr1", .uint(UInt64(c.unlockAddr1)))]
        }
        o.append(("big-endian", .bool(c.bigEndian)))
        for i in 0..<4 { o.append(("id\(i)", .uint(UInt64(c.ids[i])))) }
        if let path = c.image {
            o.append(("image", .object([("path", .string(path)), ("sha256", c.imageSHA256.map(JSONValue.string) ?? .null)])))
        }
        return .object(o)
    }

    /// Device configurations of the header, following its QEMU's behaviour; errors name the
    /// device and key.
    public func configs() throws -> [DeviceConfig] {
        let era = try qemuVersion().requireEra()
        var seen = Set<String>()
        var total: UInt64 = 0
        return try devices.enumerated().map { i, d in
            guard let object = d.objectValue else { throw SpecError("header: devices[\(i)] is not an object") }
            guard let typeName = d["type"]?.stringValue, let type = DeviceType(typeName: typeName) else {
                throw SpecError("header: devices[\(i)]: expected \"type\" cfi01 or cfi02")
            }
            var c = DeviceConfig(type: type, name: "")
            c.era = era
            for (key, value) in object {
                switch key {
                case "type": continue
                case "size": continue  // derived from the geometry; checked below
                case "image":
                    c.image = value["path"]?.stringValue
                    c.imageSHA256 = value["sha256"]?.stringValue
                case "name":
                    guard let s = value.stringValue else { throw SpecError("header: devices[\(i)]: \"name\" must be a string") }
                    c.name = s
                default:
                    let text: String
                    if let b = value.boolValue { text = b ? "on" : "off" } else if let n = value.uint64Value { text = String(n) } else {
                        throw SpecError("header: devices[\(i)]: \"\(key)\" must be a number or a boolean")
                    }
                    do { try DeviceSpec.set(&c, key: key, value: text[...]) } catch let e as SpecError {
                        throw SpecError("header: devices[\(i)]: \(e.message)")
                    }
                }
            }
            if c.name.isEmpty { throw SpecError("header: devices[\(i)]: missing \"name\"") }
            if !seen.insert(c.name).inserted { throw SpecError("header: duplicate device name \"\(c.name)\"") }
            do { try c.validate() } catch let e as ConfigError { throw SpecError("header: \(e.message)") }
            // A stated region size that the geometry contradicts means the header is not what
            // the recorder wrote: replaying it would report on a different device.
            if let size = d["size"] {
                guard let n = size.uint64Value else { throw SpecError("header: devices[\(i)]: \"size\" must be a number") }
                if n != c.regionSize {
                    throw SpecError("header: devices[\(i)]: \"size\" \(n) does not match the geometry (\(c.regionSize) bytes)")
                }
            }
            total += c.backing
            if total > TraceHeader.maxTotalBacking {
                throw SpecError("header: the devices hold more than \(TraceHeader.maxTotalBacking >> 20) MiB of contents in all, flashtrace's limit")
            }
            return c
        }
    }

    /// Most bytes of contents all devices of one trace may hold in memory (one device: DeviceConfig.maxBacking).
    public static let maxTotalBacking: UInt64 = 2 << 30
}

extension QEMUVersion {
    /// The era, or an error that says why this version cannot be followed.
    public func requireEra() throws -> PflashEra {
        guard isTraceable, let era else {
            throw SpecError("QEMU \(self) is older than 6.0: its pflash_cfi01 logged with DPRINTF and most pflash_* trace events did not exist yet, so its traces cannot be replayed")
        }
        return era
    }
}
