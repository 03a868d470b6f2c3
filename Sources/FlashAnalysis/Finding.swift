// Findings: what the firmware did wrong, each under a stable rule id (README "Findings").

public enum Severity: String, Sendable, Comparable, CaseIterable {
    case warning, error

    public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
}

public enum Rule: String, Sendable, CaseIterable {
    case outOfExtentWrite = "out-of-extent-write"
    case outOfExtentRead = "out-of-extent-read"
    case writeToReadOnly = "write-to-read-only"
    case unknownCommand = "unknown-command"
    case invalidSequence = "invalid-sequence"
    case uncheckedErrorStatus = "unchecked-error-status"
    case programWithoutErase = "program-without-erase"
    case incompleteOperation = "incomplete-operation"
    case leftInCommandMode = "left-in-command-mode"
    case replayDivergence = "replay-divergence"
    case traceTruncated = "trace-truncated"
    case traceGap = "trace-gap"
    case accessBeyondRegion = "access-beyond-region"
    case oneWordBufferDropped = "one-word-buffer-dropped"
    case variableLossWindow = "variable-loss-window"
    case writeOutsideVariableStore = "write-outside-variable-store"

    public var severity: Severity {
        switch self {
        case .outOfExtentWrite, .writeToReadOnly, .unknownCommand, .invalidSequence, .replayDivergence,
             .accessBeyondRegion, .oneWordBufferDropped: return .error
        case .outOfExtentRead, .uncheckedErrorStatus, .programWithoutErase, .incompleteOperation,
             .leftInCommandMode, .traceTruncated, .traceGap, .variableLossWindow, .writeOutsideVariableStore: return .warning
        }
    }

    /// One-paragraph help text (report footers, and the SARIF rule catalogue later).
    public var help: String {
        switch self {
        case .outOfExtentWrite:
            return "A write, program, erase or buffer flush touched bytes at or beyond the backing image: with an image that small the data is silently discarded."
        case .outOfExtentRead:
            return "A read at or beyond the backing image: the firmware sees 0x00 where a full-size image holds data or 0xFF."
        case .writeToReadOnly:
            return "A program, erase, buffer flush or lock command, or a plain data store, reached a read-only flash device."
        case .unknownCommand:
            return "A byte the command set does not define was written where a command was expected."
        case .invalidSequence:
            return "A defined command arrived in the wrong cycle: bad erase confirm, failed unlock cycles, invalid chip-erase address, write-buffer overflow or abort."
        case .uncheckedErrorStatus:
            return "Status error bits from an earlier operation were still set when the firmware started the next program or erase without reading and clearing status (0x50)."
        case .programWithoutErase:
            return "A program needed a 0 to 1 bit change over known contents: real NOR flash cannot do that without an erase (QEMU's CFI01 overwrites silently)."
        case .incompleteOperation:
            return "At a device reset or at the end of the trace the device was in the middle of a command sequence or an erase."
        case .leftInCommandMode:
            return "At the end of the trace the device was not in read-array mode: code fetched from it would read status or query data."
        case .replayDivergence:
            return "The model's events or read values differ from the recorded ones: the trace was not produced by this device configuration and initial image, or was altered."
        case .traceTruncated:
            return "The trace's last line was cut off (a recorder killed mid-write); replay stopped before it."
        case .traceGap:
            return "The tracer discarded events (its buffers were full); replay resynchronised after the gap and treats the device contents as unknown."
        case .oneWordBufferDropped:
            return "A write-to-buffer of one word (count 0) on QEMU 9.0.1 or later: that QEMU opens no buffer for it and drops the word, where a real Intel part (and QEMU 7.2.9 – 9.0.0) programs it. Firmware that relies on it loses data on these QEMUs."
        case .variableLossWindow:
            return "An erase or rewrite left live UEFI variables with no complete copy anywhere on the flash (variable store, FTW spare block): a power loss in that stretch of the trace loses them. Firmware that reclaims through the fault-tolerant-write spare block keeps a copy throughout."
        case .writeOutsideVariableStore:
            return "On a device holding a UEFI variable store, a write or erase landed outside the store's firmware volume, or inside it but outside the store and its FTW working and spare areas: the firmware's flash layout does not match the image (a vars file from another build, or one extended to another size)."
        case .accessBeyondRegion:
            return "An access lies outside the device's region as given by --device, --board or --image: the trace was made with other flash geometry than the one given, and replay skipped the access."
        }
    }
}

public struct Finding: Sendable, Equatable {
    public var rule: Rule
    public var severity: Severity { rule.severity }
    public var device: String
    /// `seq` of the trace event the finding is about (nil for end-of-trace findings).
    public var seq: UInt64?
    /// Input line (1-based) of that event.
    public var line: Int?
    /// Byte offset inside the device, where one applies.
    public var offset: UInt64?
    public var message: String

    public init(rule: Rule, device: String, seq: UInt64?, line: Int?, offset: UInt64?, message: String) {
        self.rule = rule; self.device = device; self.seq = seq; self.line = line
        self.offset = offset; self.message = message
    }
}

/// Command bytes by name, for messages ("0x20 (block erase)").
enum CommandNames {
    static func cfi01(_ c: UInt8) -> String {
        let name: String
        switch c {
        case 0x00: name = "read array, QEMU-internal"
        case 0x10, 0x40: name = "word program setup"
        case 0x20: name = "block erase setup"
        case 0x28: name = "multi-block erase"
        case 0x50: name = "clear status"
        case 0x60: name = "lock setup"
        case 0x70: name = "read status"
        case 0x90: name = "read identifier"
        case 0x98: name = "CFI query"
        case 0xB0: name = "program/erase suspend (not emulated)"
        case 0xD0: name = "confirm"
        case 0x01: name = "lock confirm"
        case 0xE8: name = "write to buffer"
        case 0xF0: name = "AMD reset"
        case 0xFF: name = "read array"
        default: return String(format2: c)
        }
        return "\(String(format2: c)) (\(name))"
    }

    static func cfi02(_ c: UInt8) -> String {
        let name: String
        switch c {
        case 0xAA: name = "unlock 1"
        case 0x55: name = "unlock 2"
        case 0x80: name = "erase setup"
        case 0x90: name = "autoselect"
        case 0xA0: name = "program"
        case 0x20: name = "unlock bypass"
        case 0x10: name = "chip erase"
        case 0x30: name = "sector erase / resume"
        case 0xB0: name = "erase suspend"
        case 0x98: name = "CFI query"
        case 0xF0: name = "reset"
        case 0x00: name = "bypass reset"
        default: return String(format2: c)
        }
        return "\(String(format2: c)) (\(name))"
    }
}

extension String {
    /// `0x2a`-style byte.
    init(format2 c: UInt8) {
        let h = String(c, radix: 16)
        self = "0x" + (h.count < 2 ? "0" + h : h)
    }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
