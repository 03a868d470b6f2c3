// The event vocabulary: QEMU 7.2.22's 34 pflash trace events (spec §5, §5.0), flashtrace's
// outer_read / outer_write, and the two that QEMU before the update buffer (6.0 – 7.2.8, 8.0,
// 8.1.0 – 8.1.4, 8.2.0; spec §2.10) logged instead: pflash_write_block and pflash_data_write with
// a counter. This table is the only place events are declared; the model, the
// JSON-lines and QEMU-log codecs, the LTTng provider check and the analyzer all read it.

/// The kind of an event. Raw values are stable: they index `EventKind.allCases` and `specs`.
public enum EventKind: UInt8, CaseIterable, Sendable {
    case chipEraseInvalid
    case chipEraseStart
    case dataRead
    case dataWrite
    case dataWriteBlock
    case deviceId
    case deviceInfo
    case eraseComplete
    case eraseTimeout
    case ioRead
    case ioWrite
    case manufacturerId
    case modeReadArray
    case postloadCb
    case readDone
    case readStatus
    case readUnknownState
    case reset
    case sectorEraseStart
    case timerExpired
    case unlock0Failed
    case unlock1Failed
    case unsupportedDeviceConfiguration
    case write
    case writeBlockStart
    case writeBlockFlush
    case writeBlockAbort
    case writeBlockErase
    case writeFailed
    case writeInvalid
    case writeInvalidCommand
    case writeInvalidState
    case writeStart
    case writeUnknown
    case outerRead
    case outerWrite
    /// QEMU before the update buffer: `pflash_write_block`, at the count write.
    case writeBlock
    /// QEMU before the update buffer: `pflash_data_write` with its fifth argument, `counter`.
    case dataWriteCounted

    /// Declaration of this kind: name, arguments, QEMU log template.
    @inlinable public var spec: EventSpec { EventSpec.table[Int(rawValue)] }
    /// Name as in JSON lines (QEMU's name without `pflash_`).
    @inlinable public var name: String { spec.name }

    /// Events QEMU itself emits (everything except flashtrace's outer region events).
    public var isQEMUEvent: Bool { self != .outerRead && self != .outerWrite }

    private static let byName: [String: EventKind] = {
        var map: [String: EventKind] = [:]
        for kind in EventKind.allCases { map[kind.name] = kind }
        return map
    }()

    /// Looks a kind up by its JSON-lines name (`io_write`) or its QEMU name (`pflash_io_write`).
    public init?(name: some StringProtocol) {
        let full = String(name)
        let bare = full.hasPrefix("pflash_") ? String(full.dropFirst(7)) : full
        guard let kind = EventKind.byName[bare] else { return nil }
        self = kind
    }
}

/// C-like type of an argument, as QEMU's trace-events file declares it.
public enum ArgType: Sendable, Equatable {
    case u8, u16, u32, u64, i32, string

    /// Largest value the type holds (strings: not applicable).
    public var maxValue: UInt64 {
        switch self {
        case .u8: return 0xFF
        case .u16: return 0xFFFF
        case .u32: return 0xFFFF_FFFF
        case .u64: return .max
        case .i32: return 0x7FFF_FFFF
        case .string: return 0
        }
    }
}

public struct ArgSpec: Sendable, Equatable {
    public let name: String
    public let type: ArgType
}

/// One event's declaration.
public struct EventSpec: Sendable {
    public let kind: EventKind
    public let name: String
    /// Arguments after the device name, in declaration order.
    public let args: [ArgSpec]
    /// QEMU's printf template after the `%s: ` device prefix (spec §5).
    public let qemuFormat: String
    /// QEMU's event name without `pflash_` where it is not `name` (data_write_counted is QEMU's
    /// older data_write, told apart by its counter).
    public var qemuName: String = ""
    public var qemuEventName: String { qemuName.isEmpty ? name : qemuName }

    /// Index of the `string` argument if any (only `write`).
    public var textArgument: Int? { args.firstIndex { $0.type == .string } }
}

extension EventSpec {
    private static func spec(_ kind: EventKind, _ name: String, _ args: [(String, ArgType)], _ format: String) -> EventSpec {
        EventSpec(kind: kind, name: name, args: args.map { ArgSpec(name: $0.0, type: $0.1) }, qemuFormat: format)
    }

    // Order must follow EventKind's cases; a test checks it.
    public static let table: [EventSpec] = [
        spec(.chipEraseInvalid, "chip_erase_invalid", [("offset", .u64)], "chip erase: invalid address 0x%x"),
        spec(.chipEraseStart, "chip_erase_start", [], "start chip erase"),
        spec(.dataRead, "data_read", [("offset", .u64), ("size", .u32), ("value", .u32)],
             "data offset:0x%04x size:%u value:0x%04x"),
        spec(.dataWrite, "data_write", [("offset", .u64), ("size", .u32), ("value", .u32)],
             "data offset:0x%04x size:%u value:0x%04x"),
        spec(.dataWriteBlock, "data_write_block",
             [("offset", .u64), ("size", .u32), ("value", .u32), ("counter", .u64)],
             "data offset:0x%04x size:%u value:0x%04x counter:0x%016x"),
        spec(.deviceId, "device_id", [("id", .u16)], "read device ID: 0x%04x"),
        spec(.deviceInfo, "device_info", [("offset", .u64)], "read device information offset:0x%04x"),
        spec(.eraseComplete, "erase_complete", [], "sector erase complete"),
        spec(.eraseTimeout, "erase_timeout", [("count", .i32)], "erase timeout fired; erasing %d sectors"),
        spec(.ioRead, "io_read",
             [("offset", .u64), ("size", .u32), ("value", .u32), ("cmd", .u8), ("wcycle", .u8)],
             "offset:0x%04x size:%u value:0x%04x cmd:0x%02x wcycle:%u"),
        spec(.ioWrite, "io_write", [("offset", .u64), ("size", .u32), ("value", .u32), ("wcycle", .u8)],
             "offset:0x%04x size:%u value:0x%04x wcycle:%u"),
        spec(.manufacturerId, "manufacturer_id", [("id", .u16)], "read manufacturer ID: 0x%04x"),
        spec(.modeReadArray, "mode_read_array", [], "read array mode"),
        spec(.postloadCb, "postload_cb", [], "updating bdrv"),
        spec(.readDone, "read_done", [("offset", .u64), ("ret", .u64)], "ID:0x%x ret:0x%x"),
        spec(.readStatus, "read_status", [("ret", .u32)], "status:0x%x"),
        spec(.readUnknownState, "read_unknown_state", [("cmd", .u8)], "unknown command state:0x%x"),
        spec(.reset, "reset", [], "reset"),
        spec(.sectorEraseStart, "sector_erase_start",
             [("width1", .i32), ("start", .u64), ("width2", .i32), ("end", .u64)],
             "start sector erase at: 0x%0*x-0x%0*x"),
        spec(.timerExpired, "timer_expired", [("cmd", .u8)], "command 0x%02x done"),
        spec(.unlock0Failed, "unlock0_failed", [("offset", .u64), ("cmd", .u8), ("addr0", .u16)],
             "unlock0 failed 0x%x 0x%02x 0x%04x"),
        // QEMU's text really says "unlock0" for the second cycle (spec §9 trap 11).
        spec(.unlock1Failed, "unlock1_failed", [("offset", .u64), ("cmd", .u8)], "unlock0 failed 0x%x 0x%02x"),
        spec(.unsupportedDeviceConfiguration, "unsupported_device_configuration",
             [("width", .u8), ("max", .u8)],
             "unsupported device configuration: device_width:%d max_device_width:%d"),
        spec(.write, "write", [("str", .string)], "%s"),
        spec(.writeBlockStart, "write_block_start", [("value", .u32)], "block write start: bytes:0x%x"),
        spec(.writeBlockFlush, "write_block_flush", [], "block write flush"),
        spec(.writeBlockAbort, "write_block_abort", [], "block write abort"),
        spec(.writeBlockErase, "write_block_erase", [("offset", .u64), ("len", .u64)],
             "block erase offset:0x%x bytes:0x%x"),
        spec(.writeFailed, "write_failed", [("offset", .u64), ("cmd", .u8)], "command failed 0x%x 0x%02x"),
        spec(.writeInvalid, "write_invalid", [("cmd", .u8)], "invalid write for command 0x%02x"),
        spec(.writeInvalidCommand, "write_invalid_command", [("cmd", .u8)], "invalid command 0x%02x (wc 5)"),
        spec(.writeInvalidState, "write_invalid_state", [("cmd", .u8), ("wc", .i32)],
             "invalid command state 0x%02x (wc %d)"),
        spec(.writeStart, "write_start", [("cmd", .u8)], "starting command 0x%02x"),
        spec(.writeUnknown, "write_unknown", [("cmd", .u8)], "unknown command 0x%02x"),
        // flashtrace's own: accesses at or beyond the backing image (format of the unmerged 2021 series, §7).
        spec(.outerRead, "outer_read", [("offset", .u64), ("size", .u32), ("value", .u32)],
             "addr:0x%x len:%d value:0x%x"),
        spec(.outerWrite, "outer_write", [("offset", .u64), ("size", .u32), ("value", .u32)],
             "addr:0x%x len:%d value:0x%x"),
        // QEMU before the update buffer (commit 284a7ee2e290's parent).
        spec(.writeBlock, "write_block", [("value", .u32)], "block write: bytes:0x%x"),
        {
            var s = spec(.dataWriteCounted, "data_write_counted",
                         [("offset", .u64), ("size", .u32), ("value", .u32), ("counter", .u64)],
                         "data offset:0x%04x size:%u value:0x%04x counter:0x%016x")
            s.qemuName = "data_write"
            return s
        }(),
    ]
}
