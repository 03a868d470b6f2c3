import FlashModel

// `--device TYPE,key=value,...` strings (QEMU property names) and the `--board` presets.

public struct SpecError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Parses `123`, `0x7b`, and sizes with K/M/G suffixes (binary units), rejecting overflow.
public func parseNumber(_ text: Substring, allowSuffix: Bool = true) -> UInt64? {
    var s = text
    var multiplier: UInt64 = 1
    if allowSuffix, let last = s.last {
        switch last {
        case "K", "k": multiplier = 1 << 10
        case "M", "m": multiplier = 1 << 20
        case "G", "g": multiplier = 1 << 30
        default: break
        }
        if multiplier != 1 { s = s.dropLast() }
    }
    let value: UInt64?
    if s.hasPrefix("0x") || s.hasPrefix("0X") {
        let digits = s.dropFirst(2)
        value = digits.isEmpty ? nil : UInt64(digits, radix: 16)
    } else {
        value = s.isEmpty ? nil : UInt64(s, radix: 10)
    }
    guard let v = value else { return nil }
    let (r, overflow) = v.multipliedReportingOverflow(by: multiplier)
    return overflow ? nil : r
}

func parseBool(_ text: Substring) -> Bool? {
    switch text.lowercased() {
    case "on", "true", "yes", "1": return true
    case "off", "false", "no", "0": return false
    default: return nil
    }
}

public enum DeviceSpec {
    /// Every key `--device` accepts, in the order the trace header writes them.
    public static let keys = [
        "name", "addr", "num-blocks", "sector-length", "width", "device-width", "max-device-width",
        "big-endian", "old-multiple-chip-handling", "id0", "id1", "id2", "id3",
        "num-blocks0", "sector-length0", "num-blocks1", "sector-length1", "num-blocks2", "sector-length2",
        "num-blocks3", "sector-length3", "mappings", "unlock-addr0", "unlock-addr1",
        "readonly", "backing-size", "image",
    ]

    /// Properties only one of the two models has.
    static let propertyOwner: [String: DeviceType] = {
        var owners: [String: DeviceType] = [:]
        for k in ["device-width", "max-device-width", "old-multiple-chip-handling"] { owners[k] = .cfi01 }
        for k in ["mappings", "unlock-addr0", "unlock-addr1"] { owners[k] = .cfi02 }
        for i in 0..<4 { owners["num-blocks\(i)"] = .cfi02; owners["sector-length\(i)"] = .cfi02 }
        return owners
    }()

    /// Parses `cfi01,name=…,key=value,…`. Validation of the combination is `DeviceConfig.validate`.
    public static func parse(_ text: String) throws -> DeviceConfig {
        // Split on the scalars "," and "=", not on Characters: a prepended mark (U+0601) and the
        // "," after it are one Character, so a rendered spec with such a name parsed differently
        // (found by fuzz-devicespec); QEMU splits its options on bytes.
        var parts = text.unicodeScalars.split(separator: ",", omittingEmptySubsequences: false).map(Substring.init)
        guard let first = parts.first, let type = DeviceType(typeName: String(first)) else {
            throw SpecError("device spec \"\(text)\": expected a type first (cfi01, cfi02, cfi.pflash01 or cfi.pflash02)")
        }
        parts.removeFirst()
        var config = DeviceConfig(type: type, name: "")
        for part in parts {
            let scalars = part.unicodeScalars
            guard let eq = scalars.firstIndex(of: "=") else {
                throw SpecError("device spec \"\(text)\": expected key=value, got \"\(part)\"")
            }
            try set(&config, key: String(scalars[..<eq]), value: Substring(scalars[scalars.index(after: eq)...]))
        }
        if config.name.isEmpty { throw SpecError("device spec \"\(text)\": name= is required") }
        return config
    }

    /// Sets one property by its QEMU name.
    public static func set(_ c: inout DeviceConfig, key: String, value: Substring) throws {
        func number(_ maxValue: UInt64 = .max) throws -> UInt64 {
            guard let v = parseNumber(value), v <= maxValue else {
                throw SpecError("\(key)=\(value): expected a number (decimal or 0x hex, sizes may end in K/M/G)"
                                + (maxValue < .max ? " no larger than \(maxValue)" : ""))
            }
            return v
        }
        func bool() throws -> Bool {
            guard let b = parseBool(value) else { throw SpecError("\(key)=\(value): expected on or off") }
            return b
        }
        // QEMU has no such property on the other model ("Property 'cfi.pflash01.mappings' not
        // found"); taking it would drop it silently from headers and renderings (found by fuzz-devicespec).
        if let owner = propertyOwner[key], owner != c.type {
            throw SpecError("property \"\(key)\" belongs to \(owner.rawValue), not to \(c.type.rawValue)")
        }
        switch key {
        case "name": c.name = String(value)
        case "addr": c.addr = try number()
        case "num-blocks": c.numBlocks = try number(UInt64(UInt32.max))
        case "sector-length": c.sectorLength = try number(UInt64(UInt32.max))
        case "width": c.width = UInt8(try number(255))
        case "device-width": c.deviceWidth = UInt8(try number(255))
        case "max-device-width": c.maxDeviceWidth = UInt8(try number(255))
        case "big-endian": c.bigEndian = try bool()
        case "old-multiple-chip-handling": c.oldMultipleChipHandling = try bool()
        case "id0", "id1", "id2", "id3":
            c.ids[Int(String(key.last!))!] = UInt16(try number(0xFFFF))
        case "num-blocks0", "num-blocks1", "num-blocks2", "num-blocks3":
            c.regionBlocks[Int(String(key.last!))!] = try number(UInt64(UInt32.max))
        case "sector-length0", "sector-length1", "sector-length2", "sector-length3":
            c.regionSectorLength[Int(String(key.last!))!] = try number(UInt64(UInt32.max))
        case "mappings": c.mappings = UInt8(try number(255))
        case "unlock-addr0": c.unlockAddr0 = UInt16(try number(0xFFFF))
        case "unlock-addr1": c.unlockAddr1 = UInt16(try number(0xFFFF))
        case "readonly": c.readonly = try bool()
        case "backing-size": c.backingSize = try number()
        case "image": c.image = String(value)
        default:
            throw SpecError("unknown property \"\(key)\"; expected one of: " + keys.joined(separator: ", "))
        }
    }

    /// The properties of a configuration as `key=value` pairs (numbers as the header writes them).
    public static func properties(_ c: DeviceConfig) -> [(String, String)] {
        var p: [(String, String)] = [("name", c.name), ("addr", "0x" + String(c.addr, radix: 16))]
        func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
        switch c.type {
        case .cfi01:
            p += [("num-blocks", "\(c.numBlocks)"), ("sector-length", hex(c.sectorLength)),
                  ("width", "\(c.width)"), ("device-width", "\(c.deviceWidth)"),
                  ("max-device-width", "\(c.maxDeviceWidth)")]
            if c.oldMultipleChipHandling { p.append(("old-multiple-chip-handling", "on")) }
        case .cfi02:
            p += [("num-blocks", "\(c.numBlocks)"), ("sector-length", hex(c.sectorLength))]
            for i in 0..<4 {
                p += [("num-blocks\(i)", "\(c.regionBlocks[i])"), ("sector-length\(i)", hex(c.regionSectorLength[i]))]
            }
            p += [("width", "\(c.width)"), ("mappings", "\(c.mappings)"),
                  ("unlock-addr0", hex(UInt64(c.unlockAddr0))), ("unlock-addr1", hex(UInt64(c.unlockAddr1)))]
        }
        p += [("big-endian", c.bigEndian ? "on" : "off")]
        for i in 0..<4 { p.append(("id\(i)", hex(UInt64(c.ids[i])))) }
        p.append(("readonly", c.readonly ? "on" : "off"))
        if let b = c.backingSize { p.append(("backing-size", hex(b))) }
        if let i = c.image { p.append(("image", i)) }
        return p
    }

    /// `--device NAME,key=value,…` (no type first): properties that amend a device the trace or
    /// the board already has, nil when `text` starts with a type (a whole device).
    public static func amendment(_ text: String) throws -> (name: String, properties: [(String, Substring)])? {
        let parts = text.unicodeScalars.split(separator: ",", omittingEmptySubsequences: false).map(Substring.init)
        guard let first = parts.first, DeviceType(typeName: String(first)) == nil, !first.unicodeScalars.contains("=") else {
            return nil
        }
        if first.isEmpty { throw SpecError("device spec \"\(text)\": expected a type (cfi01, cfi02) or a device name first") }
        var properties: [(String, Substring)] = []
        for part in parts.dropFirst() {
            let scalars = part.unicodeScalars
            guard let eq = scalars.firstIndex(of: "=") else {
                throw SpecError("device spec \"\(text)\": expected key=value, got \"\(part)\"")
            }
            let key = String(scalars[..<eq])
            if key == "name" { throw SpecError("device spec \"\(text)\": a device is renamed by a whole spec, not amended") }
            properties.append((key, Substring(scalars[scalars.index(after: eq)...])))
        }
        if properties.isEmpty { throw SpecError("device spec \"\(text)\": expected key=value properties after the device name") }
        return (String(first), properties)
    }

    /// Renders a configuration back into `--device` syntax.
    public static func render(_ c: DeviceConfig) -> String {
        ([c.type.rawValue] + properties(c).map { "\($0.0)=\($0.1)" }).joined(separator: ",")
    }
}

/// Board presets with QEMU 7.2's geometry (spec §8).
public enum Board: String, CaseIterable, Sendable {
    case virt, q35, pc, musicpal

    /// Devices of the board. `imageSizes` gives image sizes by device name where the board takes
    /// its geometry from the image (x86 pc/q35); absent sizes use Debian's OVMF 4M files.
    public func devices(imageSizes: [String: UInt64] = [:]) -> [DeviceConfig] {
        switch self {
        case .virt:
            // hw/arm/virt.c: two 64 MiB banks, 256 KiB sectors, width 4, two x16 chips, Intel ids.
            return ["virt.flash0", "virt.flash1"].enumerated().map { i, name in
                var c = DeviceConfig(type: .cfi01, name: name)
                c.addr = UInt64(i) * 0x0400_0000
                c.numBlocks = 256; c.sectorLength = 256 << 10
                c.width = 4; c.deviceWidth = 2; c.maxDeviceWidth = 2
                c.ids = [0x89, 0x18, 0, 0]
                c.readonly = i == 0  // the code image is read-only in every usual setup
                return c
            }
        case .q35, .pc:
            // hw/i386/pc_sysfw.c: flash0 (code) ends at 4 GiB, flash1 (vars) directly below;
            // legacy width 1, 4 KiB sectors, sizes = image sizes.
            let size0 = imageSizes["system.flash0"] ?? 0x37C000
            let size1 = imageSizes["system.flash1"] ?? 0x84000
            var f0 = DeviceConfig(type: .cfi01, name: "system.flash0")
            f0.addr = (1 << 32) &- size0  // wrapping: a hostile image size must not trap (validate rejects the size)
            f0.numBlocks = size0 / 4096; f0.sectorLength = 4096; f0.width = 1
            f0.readonly = true
            var f1 = DeviceConfig(type: .cfi01, name: "system.flash1")
            f1.addr = (1 << 32) &- size0 &- size1
            f1.numBlocks = size1 / 4096; f1.sectorLength = 4096; f1.width = 1
            return [f0, f1]
        case .musicpal:
            // hw/arm/musicpal.c: 8 MiB AMD part repeated 4× in 32 MiB below 4 GiB.
            var c = DeviceConfig(type: .cfi02, name: "musicpal.flash")
            c.addr = 0xFE00_0000
            c.numBlocks = 128; c.sectorLength = 0x10000
            c.width = 2; c.mappings = 4
            c.ids = [0xBF, 0x236D, 0, 0]
            c.unlockAddr0 = 0x5555; c.unlockAddr1 = 0x2AAA
            return [c]
        }
    }

    /// Guesses the board from device names seen in a trace (`virt.flash1` → virt, …).
    public static func infer(fromDeviceNames names: [String]) -> Board? {
        if names.contains(where: { $0.hasPrefix("virt.flash") }) { return .virt }
        if names.contains(where: { $0.hasPrefix("system.flash") }) { return .q35 }
        if names.contains("musicpal.flash") { return .musicpal }
        return nil
    }
}
