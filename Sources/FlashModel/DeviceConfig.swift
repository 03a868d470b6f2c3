// Device configuration under QEMU's property names (spec §2.1 CFI01, §3.1 CFI02), plus
// flashtrace's `backing-size` (the size of the image behind the region, spec-less: see README).

public enum DeviceType: String, Sendable, CaseIterable {
    case cfi01, cfi02

    /// Accepts flashtrace's short names and QEMU's type names.
    public init?(typeName: String) {
        switch typeName.lowercased() {
        case "cfi01", "cfi.pflash01", "pflash01", "pflash_cfi01": self = .cfi01
        case "cfi02", "cfi.pflash02", "pflash02", "pflash_cfi02": self = .cfi02
        default: return nil
        }
    }
}

public struct DeviceConfig: Sendable, Equatable {
    public var type: DeviceType
    public var name: String
    /// Bus address of the region (routing of absolute op-script addresses).
    public var addr: UInt64 = 0
    public var numBlocks: UInt64 = 0
    public var sectorLength: UInt64 = 0
    public var width: UInt8 = 0
    public var deviceWidth: UInt8 = 0
    public var maxDeviceWidth: UInt8 = 0
    public var bigEndian: Bool = false
    public var oldMultipleChipHandling: Bool = false
    public var ids: [UInt16] = [0, 0, 0, 0]
    /// CFI02 erase regions `num-blocks0..3` / `sector-length0..3`.
    public var regionBlocks: [UInt64] = [0, 0, 0, 0]
    public var regionSectorLength: [UInt64] = [0, 0, 0, 0]
    public var mappings: UInt8 = 0
    public var unlockAddr0: UInt16 = 0
    public var unlockAddr1: UInt16 = 0
    public var readonly: Bool = false
    /// Bytes of the backing image; nil = the whole chip. Accesses at or beyond it bypass the model.
    public var backingSize: UInt64?
    /// Path of the initial image, if any (contents loaded by whoever builds the device).
    public var image: String?
    /// SHA-256 (hex) of the initial image, carried in trace headers.
    public var imageSHA256: String?
    /// The QEMU behaviour the model follows (a trace's, not a device's property: the header's
    /// top-level "qemu" sets it for every device). Debian 12's 7.2.22 unless told otherwise.
    public var era: PflashEra = .bufferAtCount

    public init(type: DeviceType, name: String) {
        self.type = type
        self.name = name
    }

    /// CFI02 erase regions actually in use (spec §3.1: the list ends at the first zero count;
    /// no regions means the uniform `num-blocks` × `sector-length`).
    public var eraseRegions: [(count: UInt64, length: UInt64)] {
        var regions: [(UInt64, UInt64)] = []
        for i in 0..<4 {
            if regionBlocks[i] == 0 { break }
            regions.append((regionBlocks[i], regionSectorLength[i]))
        }
        if regions.isEmpty { regions.append((numBlocks, sectorLength)) }
        return regions.map { (count: $0.0, length: $0.1) }
    }

    /// Bytes of one chip: the storage the state machine addresses.
    public var chipLength: UInt64 {
        switch type {
        case .cfi01: return numBlocks &* sectorLength
        case .cfi02: return eraseRegions.reduce(0) { $0 &+ $1.count &* $1.length }
        }
    }

    /// Bytes of the bus region (CFI02 `mappings` repeat the chip).
    public var regionSize: UInt64 {
        switch type {
        case .cfi01: return chipLength
        case .cfi02: return chipLength &* UInt64(max(1, mappings))
        }
    }

    /// Effective backing extent in bytes.
    public var backing: UInt64 { min(backingSize ?? chipLength, chipLength) }
}

/// The plain-value facts of a configuration that code running per access reads (the replay's
/// rules): copying or reading them costs no reference counting, which DeviceConfig's String and
/// arrays would.
public struct DeviceFacts: Sendable, Equatable {
    public let type: DeviceType
    public let readonly: Bool
    public let width: UInt8
    public let bigEndian: Bool
    public let unlockAddr0: UInt16
    public let unlockAddr1: UInt16
    public let era: PflashEra
}

extension DeviceConfig {
    public var facts: DeviceFacts {
        DeviceFacts(type: type, readonly: readonly, width: width, bigEndian: bigEndian,
                    unlockAddr0: unlockAddr0, unlockAddr1: unlockAddr1, era: era)
    }
}

public struct ConfigError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension DeviceConfig {
    /// Realize-time checks, with QEMU's wording where QEMU has one (spec §2.1, §3.1), plus the
    /// limits flashtrace needs to stay safe (no allocation of absurd sizes).
    public func validate() throws {
        let prefix = "device \(name) (\(type.rawValue)): "
        if name.isEmpty { throw ConfigError("attribute \"name\" not specified.") }
        switch type {
        case .cfi01:
            if sectorLength == 0 { throw ConfigError(prefix + "attribute \"sector-length\" not specified or zero.") }
            if numBlocks == 0 { throw ConfigError(prefix + "attribute \"num-blocks\" not specified or zero.") }
            if sectorLength & (sectorLength - 1) != 0 {
                throw ConfigError(prefix + "sector-length \(sectorLength) is not a power of two")
            }
            if ![1, 2, 4].contains(width) { throw ConfigError(prefix + "width must be 1, 2 or 4, not \(width)") }
            if deviceWidth != 0 && (deviceWidth > width || width % deviceWidth != 0 || ![1, 2, 4].contains(deviceWidth)) {
                throw ConfigError(prefix + "device-width \(deviceWidth) must be 0 (legacy) or divide width \(width)")
            }
            if maxDeviceWidth != 0 && ![1, 2, 4].contains(maxDeviceWidth) {
                throw ConfigError(prefix + "max-device-width must be 0, 1, 2 or 4, not \(maxDeviceWidth)")
            }
            if maxDeviceWidth != 0 && deviceWidth != 0 && maxDeviceWidth < deviceWidth {
                throw ConfigError(prefix + "max-device-width \(maxDeviceWidth) is smaller than device-width \(deviceWidth)")
            }
        case .cfi02:
            if sectorLength == 0 && regionSectorLength[0] == 0 {
                throw ConfigError(prefix + "attribute \"sector-length\" not specified or zero.")
            }
            if numBlocks == 0 && regionBlocks[0] == 0 {
                throw ConfigError(prefix + "attribute \"num-blocks\" not specified or zero.")
            }
            var running: UInt64 = 0
            for (i, r) in eraseRegions.enumerated() {
                // Zero first: `length - 1` below would underflow on it (found by fuzz-model).
                if r.length == 0 || r.length & 0xFF != 0 || r.length >= 16 << 20 || r.length & (r.length - 1) != 0 {
                    throw ConfigError(prefix + "unsupported configuration: sector length[\(i)] per device = \(hex(r.length)).")
                }
                if running % r.length != 0 {
                    throw ConfigError(prefix + "unsupported configuration: flash region \(i) not correctly aligned.")
                }
                let (product, overflow) = r.count.multipliedReportingOverflow(by: r.length)
                if overflow || product > 1 << 32 { throw ConfigError(prefix + "flash region \(i) is larger than 4 GiB") }
                running += product
            }
            // QEMU keeps chip_len in 32 bits; it also bounds the erase map (one entry per sector).
            if running > 1 << 32 { throw ConfigError(prefix + "flash regions add up to more than 4 GiB") }
            if regionBlocks[0] != 0 && numBlocks != 0 && sectorLength != 0 && numBlocks &* sectorLength != running {
                throw ConfigError(prefix + "\"num-blocks\"*\"sector-length\" different from the sum of the erase regions")
            }
            if ![1, 2, 4].contains(width) { throw ConfigError(prefix + "width must be 1, 2 or 4, not \(width)") }
        }
        let (chip, overflow) = numBlocks.multipliedReportingOverflow(by: sectorLength)
        if type == .cfi01 && (overflow || chip > 1 << 32) {
            throw ConfigError(prefix + "num-blocks × sector-length exceeds 4 GiB")
        }
        if let b = backingSize {
            if b == 0 { throw ConfigError(prefix + "backing-size must not be 0") }
            if b > chipLength {
                throw ConfigError(prefix + "block backend provides \(b) bytes, device limited to \(chipLength) bytes")
            }
            // A shortened image must end on a word, so no access straddles the image's end; an
            // image as long as the chip ends where the device does (a 133-byte chip is valid, and
            // trace headers always state the backing size).
            if b < chipLength && b % 4 != 0 { throw ConfigError(prefix + "backing-size \(b) is not a multiple of 4") }
        }
        // The backing extent is allocated (Storage); a hostile trace header must not be able to
        // claim gigabytes. QEMU maps any size, but no pflash part comes near this.
        if backing > DeviceConfig.maxBacking {
            throw ConfigError(prefix + "\(backing) bytes of contents exceed flashtrace's limit of \(DeviceConfig.maxBacking >> 20) MiB per device; give a smaller backing-size")
        }
    }

    /// Most bytes of contents one device may hold in memory.
    public static let maxBacking: UInt64 = 1 << 30
}

@inline(__always) func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
