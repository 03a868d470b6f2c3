import FlashEvents
import FlashModel

// The finding rules, judged from the model's state before an input, the events it emitted for
// it, and what it rejected (`FlashDevice.rejection`). The model decides what the device accepts,
// in each QEMU era; this file only names it in flash terms, and adds what replay knows beyond
// the model (old contents, the backing image) and what spans inputs (status never cleared,
// sequences left open).

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
    }

    func snapshot() -> State {
        State(wcycle: device.wcycle, cmd: device.cmd, status: device.status)
    }

    func afterWrite(before: State, offset: UInt64, size: Int, value: UInt32, old: UInt32?,
                    events: [FlashEvent]) -> [PendingFinding] {
        if let first = events.first, first.kind == .outerWrite { return [outerWrite(first, size, value)] }
        var out: [PendingFinding] = []
        if let r = device.rejection {
            if let f = finding(for: r, before) { out.append(f) }
            // A read-only device: that one finding stands for the sequence.
            if r.isReadOnly { return out }
        }
        switch config.type {
        case .cfi01: cfi01Events(before, offset, size, value, old, events, &out)
        case .cfi02: cfi02Events(size, value, old, events, &out)
        }
        return out
    }

    @inline(never)
    private func outerWrite(_ e: FlashEvent, _ size: Int, _ value: UInt32) -> PendingFinding {
        PendingFinding(rule: .outOfExtentWrite, offset: e.offset, message:
            "\(size)-byte write of \(hex(UInt64(value))) at \(hex(e.offset)) is at or beyond the backing image "
            + "(\(hex(device.backing)) bytes): the state machine never sees it and the data is lost")
    }

    func outerRead(_ e: FlashEvent) -> [PendingFinding] {
        [PendingFinding(rule: .outOfExtentRead, offset: e.offset, message:
            "\(e.size)-byte read at \(hex(e.offset)) is at or beyond the backing image (\(hex(device.backing)) bytes): "
            + "the firmware reads 0x00 where a full image holds data or 0xFF")]
    }

    // MARK: rejections

    /// The finding for what the model rejected; nil when the rejection is not worth one on its own.
    @inline(never)
    private func finding(for r: Rejection, _ s: State) -> PendingFinding? {
        let c = r.command
        func f(_ rule: Rule, _ message: String, at offset: UInt64? = nil) -> PendingFinding {
            PendingFinding(rule: rule, offset: offset ?? r.offset, message: message)
        }
        switch r.kind {
        case .readOnlyCommand:
            return f(.writeToReadOnly, "\(CommandNames.cfi01(c)) at \(hex(r.offset)) on a read-only device")
        case .readOnlyStore:
            if config.type == .cfi02 {
                return f(.writeToReadOnly, "store of \(hex(UInt64(r.value))) at \(hex(r.offset)) to a read-only device")
            }
            return f(.writeToReadOnly, "store of \(hex(UInt64(r.value))) (\(r.size) bytes) at \(hex(r.offset)) to a read-only device in read-array mode: QEMU treats it as an unknown command and drops it")
        case .readOnlyProgram:
            return f(.writeToReadOnly, "program of \(hex(UInt64(r.value))) at \(hex(r.offset)) on a read-only device")
        case .readOnlySectorErase:
            return f(.writeToReadOnly, "sector erase of \(hex(r.range.start))–\(hex(r.range.end &- 1)) on a read-only device", at: r.range.start)
        case .readOnlyChipErase:
            return f(.writeToReadOnly, "chip erase on a read-only device", at: 0)
        case .unknownCommand:
            if config.type == .cfi01 {
                return f(.unknownCommand, "\(String(format2: c)) is not a command (value \(hex(UInt64(r.value))), \(r.size) bytes at \(hex(r.offset))): QEMU returns to read-array mode")
            }
            switch r.wcycle {
            case 2: return f(.unknownCommand, "\(String(format2: c)) is not a command after the unlock cycles")
            case 5: return f(.unknownCommand, "\(String(format2: c)) is not an erase command (expected 0x10 or 0x30)")
            default: return f(.unknownCommand, "\(String(format2: c)) is not a command (at word \(hex(word(r.offset)))): the device resets its command state")
            }
        case .invalidState:
            return f(.invalidSequence, "write in an impossible command state \(String(format2: r.pending))")
        case .confirmWithoutSetup:
            return f(.invalidSequence, "\(CommandNames.cfi01(c)) written with no setup command pending")
        case .eraseNotConfirmed:
            return f(.invalidSequence, "block erase not confirmed: \(CommandNames.cfi01(c)) instead of 0xD0 at \(hex(r.offset)); QEMU already erased the block on the 0x20 cycle")
        case .lockNotConfirmed:
            return f(.invalidSequence, "lock setup followed by \(CommandNames.cfi01(c)) instead of 0x01 or 0xD0")
        case .bufferCountTooLarge:
            // The count as the model took it (masked to the device width).
            guard let cfi = device as? CFI01 else { return nil }
            return f(.invalidSequence, "write-buffer count \(cfi.counter) means \(cfi.counter &+ 1) bus writes, more than the \(cfi.bufferWindow)-byte buffer holds at width \(config.width)")
        case .bufferDataOutsideWindow:
            // Only the first dropped word of a sequence: once status bit 0x10 is set the flush is
            // lost anyway, and a driver writing a whole buffer outside the window (U-Boot's
            // saveenv on QEMU 7.2) would otherwise get one finding per word.
            guard s.status & 0x10 == 0 else { return nil }
            let window = " [\(hex(r.range.start)), \(hex(r.range.end)))" + (r.realPart == .windowAtFirstData
                ? ", which this QEMU anchors at the address of the count write (a real Intel part, and QEMU 9.0.1 and later, at the first data write)"
                : ", opened at the sequence's first data write")
            return f(.invalidSequence, "buffered-write data at \(hex(r.offset)) lies outside the write-buffer window\(window): QEMU sets status bit 0x10, drops this and the sequence's later data, and will abort the flush")
        case .oneWordBufferDropped:
            guard s.status & 0x10 == 0 else { return nil }
            return f(.oneWordBufferDropped, "buffered write of one word (count 0) at \(hex(r.offset)): QEMU 9.0.1 and later open no buffer for a count of 0, so the word is dropped, status bit 0x10 set and the flush aborted; a real Intel part programs it (QEMU 7.2.9 – 9.0.0 did too)")
        case .bufferNotConfirmed:
            if r.realPart == .leavesArray {
                return f(.invalidSequence, "buffered write not confirmed: \(CommandNames.cfi01(c)) instead of 0xD0; this QEMU has written the data already, a real Intel part programs none of it")
            }
            return f(.invalidSequence, "buffered write aborted: \(CommandNames.cfi01(c)) instead of the 0xD0 confirm, buffer discarded")
        case .bufferAbortedByStatus:
            return f(.invalidSequence, "buffered write aborted at confirm: status bit 0x10 was set (\(String(format2: s.status))), QEMU discards the buffer until 0x50 clears it")
        case .firstUnlockFailed:
            return f(.invalidSequence, "first unlock cycle expected 0xAA at word \(hex(unlockWord(0))), got \(CommandNames.cfi02(c)) at word \(hex(word(r.offset)))")
        case .secondUnlockFailed:
            return f(.invalidSequence, "second unlock cycle expected 0x55 at word \(hex(unlockWord(1))), got \(CommandNames.cfi02(c)) at word \(hex(word(r.offset)))")
        case .commandOffUnlockAddress:
            return f(.invalidSequence, "command \(CommandNames.cfi02(c)) at word \(hex(word(r.offset))) instead of the unlock address \(hex(unlockWord(0)))")
        case .invalidForCommand:
            return f(.invalidSequence, "\(CommandNames.cfi02(c)) is not valid in the \(CommandNames.cfi02(r.pending)) sequence")
        case .wrongEraseCommand:
            return f(.invalidSequence, "erase sequence ended with \(CommandNames.cfi02(c)) instead of 0x10 (chip) or 0x30 (sector)")
        case .chipEraseOffUnlockAddress:
            return f(.invalidSequence, "chip erase 0x10 at word \(hex(word(r.offset))) instead of the unlock address: ignored")
        }
    }

    /// CFI02's word address of a chip offset, as its state machine compares it (0 for CFI01).
    private func word(_ chipOffset: UInt64) -> UInt64 { (device as? CFI02)?.commandWord(chipOffset) ?? 0 }

    /// CFI02's unlock address 0 or 1 as a word address.
    private func unlockWord(_ which: Int) -> UInt64 {
        guard let cfi02 = device as? CFI02 else { return 0 }
        return which == 0 ? cfi02.addr0 : cfi02.addr1
    }

    // MARK: what replay knows beyond the model
    // These run for every write: the loops only test, and the messages are built in functions
    // of their own (inlined, their string constants were set up on every call).

    private func cfi01Events(_ s: State, _ offset: UInt64, _ size: Int, _ value: UInt32, _ old: UInt32?,
                             _ events: [FlashEvent], _ out: inout [PendingFinding]) {
        let hasErrorBits = s.status & 0x3A != 0
        let eraseMayOverrun = device.backing < device.chipLength
        guard hasErrorBits || eraseMayOverrun || old != nil else { return }
        for i in events.indices {
            switch events[i].kind {
            case .write where hasErrorBits:
                if events[i].startsProgramOrErase { out.append(uncheckedErrorStatus(s, offset, value)) }
            case .writeBlockErase:
                if hasErrorBits { out.append(uncheckedErrorStatus(s, offset, value)) }
                if eraseMayOverrun, let r = events[i].erasedRange(chipLength: device.chipLength), r.end > device.backing {
                    out.append(blockEraseOverrun(r))
                }
            case .dataWrite, .dataWriteCounted, .dataWriteBlock:
                // Known old contents, and data the model stored (a program, or the write buffer).
                if let old, ~old & value & mask(size) != 0 {
                    out.append(cfi01ProgramWithoutErase(s, offset, size, value, old))
                }
            default:
                break
            }
        }
    }

    @inline(never)
    private func uncheckedErrorStatus(_ s: State, _ offset: UInt64, _ value: UInt32) -> PendingFinding {
        PendingFinding(rule: .uncheckedErrorStatus, offset: offset, message:
            "\(CommandNames.cfi01(UInt8(truncatingIfNeeded: value))) while status \(String(format2: s.status)) still holds error bits"
            + " (\(errorBits(s.status))) from an earlier operation, never cleared with 0x50")
    }

    @inline(never)
    private func blockEraseOverrun(_ r: ByteRange) -> PendingFinding {
        PendingFinding(rule: .outOfExtentWrite, offset: r.start, message:
            "block erase of \(hex(r.start))–\(hex(r.end &- 1)) reaches beyond the backing image (\(hex(device.backing)) bytes)")
    }

    @inline(never)
    private func cfi01ProgramWithoutErase(_ s: State, _ offset: UInt64, _ size: Int, _ value: UInt32, _ old: UInt32) -> PendingFinding {
        if s.wcycle == 1 {
            return PendingFinding(rule: .programWithoutErase, offset: offset, message:
                "word program of \(hex(UInt64(value))) over \(hex(UInt64(old))) at \(hex(offset)) needs 0→1 bit changes (\(hex(UInt64(~old & value & mask(size))))): real NOR needs an erase first")
        }
        return PendingFinding(rule: .programWithoutErase, offset: offset, message:
            "buffered write of \(hex(UInt64(value))) over \(hex(UInt64(old))) at \(hex(offset)) needs 0→1 bit changes: real NOR needs an erase first")
    }

    private func errorBits(_ s: UInt8) -> String {
        var names: [String] = []
        if s & 0x20 != 0 { names.append("0x20 erase error") }
        if s & 0x10 != 0 { names.append("0x10 program error") }
        if s & 0x08 != 0 { names.append("0x08 Vpp error") }
        if s & 0x02 != 0 { names.append("0x02 locked") }
        return names.joined(separator: ", ")
    }

    private func cfi02Events(_ size: Int, _ value: UInt32, _ old: UInt32?, _ events: [FlashEvent],
                             _ out: inout [PendingFinding]) {
        for i in events.indices {
            switch events[i].kind {
            case .sectorEraseStart, .chipEraseStart:
                if let f = eraseOverrun(events[i]) { out.append(f) }
            case .dataWrite, .dataWriteCounted:
                if let old, ~old & value & mask(size) != 0 {
                    out.append(cfi02ProgramWithoutErase(events[i].offset, value, old))
                }
            default:
                break
            }
        }
    }

    @inline(never)
    private func eraseOverrun(_ e: FlashEvent) -> PendingFinding? {
        if e.kind == .sectorEraseStart {
            guard e.end >= device.backing else { return nil }
            return PendingFinding(rule: .outOfExtentWrite, offset: e.start, message:
                "sector erase of \(hex(e.start))–\(hex(e.end)) reaches beyond the backing image (\(hex(device.backing)) bytes)")
        }
        guard device.backing < device.chipLength else { return nil }
        return PendingFinding(rule: .outOfExtentWrite, offset: 0, message:
            "chip erase covers \(hex(device.chipLength)) bytes, beyond the backing image (\(hex(device.backing)) bytes)")
    }

    @inline(never)
    private func cfi02ProgramWithoutErase(_ offset: UInt64, _ value: UInt32, _ old: UInt32) -> PendingFinding {
        PendingFinding(rule: .programWithoutErase, offset: offset, message:
            "program of \(hex(UInt64(value))) over \(hex(UInt64(old))) at \(hex(offset)) needs 0→1 bit changes; CFI02 ANDs, so the result is \(hex(UInt64(old & value)))")
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
