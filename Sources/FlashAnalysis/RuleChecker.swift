import FlashEvents
import FlashModel

// The finding rules, judged from the model's state before an input and the events it emitted
// for it. The model decides what happened; this file only names it in flash terms.

struct RuleChecker {
    let device: FlashDevice
    /// The configuration fields the rules read, as plain values: holding the whole DeviceConfig
    /// (strings, arrays) made every call on the checker copy and retain it.
    let config: DeviceFacts

    init(device: FlashDevice) {
        self.device = device
        config = device.config.facts
    }

    struct State {
        var wcycle: UInt8
        var cmd: UInt8
        var status: UInt8
        var romd: Bool
    }

    func snapshot() -> State {
        State(wcycle: device.wcycle, cmd: device.cmd, status: device.status, romd: device.romd)
    }

    // Bytes QEMU's CFI01 accepts as a first cycle (spec §2.5) and as confirms.
    static let cfi01FirstCycle: ByteSet = [0x00, 0x10, 0x20, 0x40, 0x50, 0x60, 0x70, 0x90, 0x98, 0xE8, 0xF0, 0xFF]
    static let cfi01Confirms: ByteSet = [0xD0, 0x01]
    /// First-cycle commands that only change what reads return (harmless on a read-only device).
    /// 0x00 is not among them: QEMU reads it as "read array", but it is no Intel command, and on a
    /// read-only bank it is what a stray store of zero looks like (AAVMF's 64-bit store's upper half).
    static let cfi01ReadCommands: ByteSet = [0x50, 0x70, 0x90, 0x98, 0xF0, 0xFF]
    /// Commands that start a program or an erase (an unchecked error status matters before them).
    static let cfi01ProgramOrErase: ByteSet = [0x10, 0x40, 0x20, 0xE8]
    static let cfi02Defined: ByteSet = [0xAA, 0x55, 0x80, 0x90, 0xA0, 0x20, 0x10, 0x30, 0xB0, 0x98, 0xF0, 0x00]

    func afterWrite(before: State, offset: UInt64, size: Int, value: UInt32, old: UInt32?,
                    events: [FlashEvent]) -> [PendingFinding] {
        if let first = events.first, first.kind == .outerWrite {
            return [PendingFinding(rule: .outOfExtentWrite, offset: first.offset, message:
                "\(size)-byte write of \(hex(UInt64(value))) at \(hex(first.offset)) is at or beyond the backing image "
                + "(\(hex(device.backing)) bytes): the state machine never sees it and the data is lost")]
        }
        switch config.type {
        case .cfi01: return cfi01Write(before, offset, size, value, old, events)
        case .cfi02: return cfi02Write(before, offset, size, value, old, events)
        }
    }

    func outerRead(_ e: FlashEvent) -> [PendingFinding] {
        [PendingFinding(rule: .outOfExtentRead, offset: e.offset, message:
            "\(e.size)-byte read at \(hex(e.offset)) is at or beyond the backing image (\(hex(device.backing)) bytes): "
            + "the firmware reads 0x00 where a full image holds data or 0xFF")]
    }

    // MARK: CFI01

    private func cfi01Write(_ s: State, _ offset: UInt64, _ size: Int, _ value: UInt32, _ old: UInt32?,
                            _ events: [FlashEvent]) -> [PendingFinding] {
        let c = UInt8(truncatingIfNeeded: value)
        var out: [PendingFinding] = []
        func add(_ rule: Rule, _ message: String) { out.append(PendingFinding(rule: rule, offset: offset, message: message)) }
        switch s.wcycle {
        case 0:
            if config.readonly && !RuleChecker.cfi01ReadCommands.contains(c) {
                if RuleChecker.cfi01FirstCycle.contains(c) && c != 0x00 {
                    add(.writeToReadOnly, "\(CommandNames.cfi01(c)) at \(hex(offset)) on a read-only device")
                } else {
                    add(.writeToReadOnly, "store of \(hex(UInt64(value))) (\(size) bytes) at \(hex(offset)) to a read-only device in read-array mode: QEMU treats it as an unknown command and drops it")
                }
                return out
            }
            if RuleChecker.cfi01ProgramOrErase.contains(c) && s.status & 0x3A != 0 {
                add(.uncheckedErrorStatus, "\(CommandNames.cfi01(c)) while status \(String(format2: s.status)) still holds error bits"
                    + " (\(errorBits(s.status))) from an earlier operation, never cleared with 0x50")
            }
            if !RuleChecker.cfi01FirstCycle.contains(c) {
                if RuleChecker.cfi01Confirms.contains(c) {
                    add(.invalidSequence, "\(CommandNames.cfi01(c)) written with no setup command pending")
                } else {
                    add(.unknownCommand, "\(String(format2: c)) is not a command (value \(hex(UInt64(value))), \(size) bytes at \(hex(offset))): QEMU returns to read-array mode")
                }
            }
            if c == 0x20, let e = events.first(where: { $0.kind == .writeBlockErase }),
               let r = e.erasedRange(chipLength: device.chipLength), r.end > device.backing {
                out.append(PendingFinding(rule: .outOfExtentWrite, offset: r.start, message:
                    "block erase of \(hex(r.start))–\(hex(r.end &- 1)) reaches beyond the backing image (\(hex(device.backing)) bytes)"))
            }
        case 1:
            switch s.cmd {
            case 0x10, 0x40:
                if let old, !config.readonly, ~old & value & mask(size) != 0 {
                    add(.programWithoutErase, "word program of \(hex(UInt64(value))) over \(hex(UInt64(old))) at \(hex(offset)) needs 0→1 bit changes (\(hex(UInt64(~old & value & mask(size))))): real NOR needs an erase first")
                }
            case 0x20, 0x28:
                if c != 0xD0 {
                    add(.invalidSequence, "block erase not confirmed: \(CommandNames.cfi01(c)) instead of 0xD0 at \(hex(offset)); QEMU already erased the block on the 0x20 cycle")
                }
            case 0x60:
                if !RuleChecker.cfi01Confirms.contains(c) && c != 0xFF {
                    add(.invalidSequence, "lock setup followed by \(CommandNames.cfi01(c)) instead of 0x01 or 0xD0")
                }
            case 0xE8:
                // The count as the model took it (masked to the device width): 9.0.1 and later emit
                // no write_block_start at the count write, so it is asked of the model, not the events.
                let count = (device as? CFI01)?.counter ?? UInt64(value)
                if let cfi = device as? CFI01, (count + 1) * UInt64(config.width) > cfi.writeblockSize {
                    add(.invalidSequence, "write-buffer count \(count) means \(count + 1) bus writes, more than the \(cfi.writeblockSize)-byte buffer holds at width \(config.width)")
                }
            default:
                break
            }
        case 2:
            // Only the first dropped word of a sequence: once status bit 0x10 is set the flush is
            // lost anyway, and a driver writing a whole buffer outside the window (U-Boot's
            // saveenv on QEMU 7.2) would otherwise get one finding per word.
            if s.cmd == 0xE8 && !config.readonly && s.status & 0x10 == 0 && !events.contains(where: { $0.kind == .dataWriteBlock }),
               let cfi = device as? CFI01, cfi.bufferOffset == nil, config.era == .bufferAtFirstData {
                add(.oneWordBufferDropped, "buffered write of one word (count 0) at \(hex(offset)): QEMU 9.0.1 and later open no buffer for a count of 0, so the word is dropped, status bit 0x10 set and the flush aborted; a real Intel part programs it (QEMU 7.2.9 – 9.0.0 did too)")
            } else if s.cmd == 0xE8 && !config.readonly && s.status & 0x10 == 0 && config.era != .directWrite
                        && !events.contains(where: { $0.kind == .dataWriteBlock }) {
                var window = ""
                if let cfi = device as? CFI01, let start = cfi.bufferOffset {
                    window = " [\(hex(start)), \(hex(start &+ cfi.writeblockSize))), which this QEMU anchors at the address of the count write (a real Intel part, and QEMU 9.0.1 and later, at the first data write)"
                }
                add(.invalidSequence, "buffered-write data at \(hex(offset)) lies outside the write-buffer window\(window): QEMU sets status bit 0x10, drops this and the sequence's later data, and will abort the flush")
            }
            if let old, ~old & value & mask(size) != 0 {
                add(.programWithoutErase, "buffered write of \(hex(UInt64(value))) over \(hex(UInt64(old))) at \(hex(offset)) needs 0→1 bit changes: real NOR needs an erase first")
            }
        case 3:
            if events.contains(where: { $0.kind == .writeBlockAbort }) && !config.readonly {
                if c == 0xD0 {
                    add(.invalidSequence, "buffered write aborted at confirm: status bit 0x10 was set (\(String(format2: s.status))), QEMU discards the buffer until 0x50 clears it")
                } else {
                    add(.invalidSequence, "buffered write aborted: \(CommandNames.cfi01(c)) instead of the 0xD0 confirm, buffer discarded")
                }
            }
        default:
            break
        }
        return out
    }

    private func errorBits(_ s: UInt8) -> String {
        var names: [String] = []
        if s & 0x20 != 0 { names.append("0x20 erase error") }
        if s & 0x10 != 0 { names.append("0x10 program error") }
        if s & 0x08 != 0 { names.append("0x08 Vpp error") }
        if s & 0x02 != 0 { names.append("0x02 locked") }
        return names.joined(separator: ", ")
    }

    // MARK: CFI02

    private func cfi02Write(_ s: State, _ offset: UInt64, _ size: Int, _ value: UInt32, _ old: UInt32?,
                            _ events: [FlashEvent]) -> [PendingFinding] {
        let c = UInt8(truncatingIfNeeded: value)
        let chipOffset = device.chipOffset(offset)
        var out: [PendingFinding] = []
        func add(_ rule: Rule, _ message: String, at o: UInt64? = nil) {
            out.append(PendingFinding(rule: rule, offset: o ?? chipOffset, message: message))
        }
        let word = (chipOffset >> UInt64(config.width == 2 ? 1 : config.width == 4 ? 2 : 0)) & 0x7FF
        for e in events {
            switch e.kind {
            case .unlock0Failed:
                if config.readonly && !RuleChecker.cfi02Defined.contains(c) {
                    add(.writeToReadOnly, "store of \(hex(UInt64(value))) at \(hex(chipOffset)) to a read-only device")
                } else if RuleChecker.cfi02Defined.contains(c) {
                    add(.invalidSequence, "first unlock cycle expected 0xAA at word \(hex(e[.addr0])), got \(CommandNames.cfi02(c)) at word \(hex(e.offset))")
                } else {
                    add(.unknownCommand, "\(String(format2: c)) is not a command (at word \(hex(e.offset))): the device resets its command state")
                }
            case .unlock1Failed:
                add(.invalidSequence, "second unlock cycle expected 0x55 at word \(hex(UInt64(config.unlockAddr1 & 0x7FF))), got \(CommandNames.cfi02(c)) at word \(hex(e.offset))")
            case .writeFailed:
                add(.invalidSequence, "command \(CommandNames.cfi02(c)) at word \(hex(e.offset)) instead of the unlock address \(hex(UInt64(config.unlockAddr0 & 0x7FF)))")
            case .writeUnknown:
                add(.unknownCommand, "\(String(format2: c)) is not a command after the unlock cycles")
            case .writeInvalid:
                add(.invalidSequence, "\(CommandNames.cfi02(c)) is not valid in the \(CommandNames.cfi02(UInt8(truncatingIfNeeded: e.cmd))) sequence")
            case .writeInvalidCommand:
                if RuleChecker.cfi02Defined.contains(c) {
                    add(.invalidSequence, "erase sequence ended with \(CommandNames.cfi02(c)) instead of 0x10 (chip) or 0x30 (sector)")
                } else {
                    add(.unknownCommand, "\(String(format2: c)) is not an erase command (expected 0x10 or 0x30)")
                }
            case .chipEraseInvalid:
                add(.invalidSequence, "chip erase 0x10 at word \(hex(word)) instead of the unlock address: ignored")
            case .writeInvalidState:
                add(.invalidSequence, "write in an impossible command state \(String(format2: UInt8(truncatingIfNeeded: e.cmd)))")
            case .sectorEraseStart:
                if config.readonly {
                    add(.writeToReadOnly, "sector erase of \(hex(e.start))–\(hex(e.end)) on a read-only device", at: e.start)
                } else if e.end >= device.backing {
                    add(.outOfExtentWrite, "sector erase of \(hex(e.start))–\(hex(e.end)) reaches beyond the backing image (\(hex(device.backing)) bytes)", at: e.start)
                }
            case .chipEraseStart:
                if config.readonly {
                    add(.writeToReadOnly, "chip erase on a read-only device", at: 0)
                } else if device.backing < device.chipLength {
                    add(.outOfExtentWrite, "chip erase covers \(hex(device.chipLength)) bytes, beyond the backing image (\(hex(device.backing)) bytes)", at: 0)
                }
            case .dataWrite, .dataWriteCounted:
                if config.readonly {
                    add(.writeToReadOnly, "program of \(hex(e.value)) at \(hex(e.offset)) on a read-only device", at: e.offset)
                } else if let old, ~old & value & mask(size) != 0 {
                    add(.programWithoutErase, "program of \(hex(UInt64(value))) over \(hex(UInt64(old))) at \(hex(e.offset)) needs 0→1 bit changes; CFI02 ANDs, so the result is \(hex(UInt64(old & value)))", at: e.offset)
                }
            default:
                break
            }
        }
        return out
    }

    // MARK: end state

    /// Mid-sequence at a device reset or the end of the trace.
    func incomplete(at moment: String) -> [PendingFinding] {
        let wc = device.wcycle, cmd = device.cmd
        var what: String?
        switch config.type {
        case .cfi01:
            if wc == 1 && cmd != 0x98 {
                what = "\(CommandNames.cfi01(cmd)) is waiting for its second cycle"
            } else if wc == 2 {
                what = "a buffered write is open, still expecting data"
            } else if wc == 3 {
                what = "a buffered write is waiting for its 0xD0 confirm"
            }
        case .cfi02:
            if let cfi02 = device as? CFI02 {
                if wc == 1 || wc == 4 {
                    what = "an unlock sequence is in progress"
                } else if (wc == 2 && !cfi02.bypass) || wc == 5 || (wc == 3 && cmd != 0x90) {
                    what = "a command sequence is half-way (cycle \(wc), command \(CommandNames.cfi02(cmd)))"
                } else if cmd == 0x10 || cmd == 0x30 {
                    what = "an erase is running"
                } else if cfi02.suspended {
                    what = "a sector erase is suspended"
                }
            }
        }
        guard let what else { return [] }
        return [PendingFinding(rule: .incompleteOperation, offset: nil, message: "at the \(moment) \(what)")]
    }

    /// Not in read-array mode at the end.
    func endState() -> [PendingFinding] {
        switch config.type {
        case .cfi01:
            guard !device.romd else { return [] }
            let mode: String
            switch device.cmd {
            case 0x90: mode = "identifier mode (0x90)"
            case 0x98: mode = "CFI query mode (0x98)"
            default: mode = "status mode (last command \(CommandNames.cfi01(device.cmd)))"
            }
            return [PendingFinding(rule: .leftInCommandMode, offset: nil,
                                   message: "the device ends in \(mode), not read-array: reads would return status or query data")]
        case .cfi02:
            let cmd = device.cmd, wc = device.wcycle
            if cmd == 0x90 || cmd == 0x98 || wc == 7 || wc == 8 {
                return [PendingFinding(rule: .leftInCommandMode, offset: nil,
                                       message: "the device ends in \(cmd == 0x90 ? "autoselect" : "CFI query") mode, not read-array")]
            }
            return []
        }
    }
}

@inline(__always) func mask(_ size: Int) -> UInt32 { size >= 4 ? .max : (1 << UInt32(size * 8)) - 1 }
