import FlashEvents

// cfi.pflash02, AMD/Fujitsu command set, as QEMU 7.2.22 behaves (spec §3).
// Geometry/properties §3.1, query table §3.2, state and address decoding §3.3, write state
// machine §3.4, reads §3.5, timer §3.6, status bits §3.7, suspend §3.8, ROMD §3.9.
// Rejections (`reject`) are raised where §3.4 gives up on a sequence with an event of its own
// (unlock0/1 failed, write_failed, write_unknown, write_invalid*, chip_erase_invalid) and where a
// read-only device does not store a program or an erase. Writes in CFI query mode, and erase
// commands or programs of an erasing sector during suspend, reset the sequence too, but are how
// firmware leaves query mode (0xFF) or what the suspend rules allow for; they are not raised.

public final class CFI02: FlashDevice, @unchecked Sendable {
    // §3.3 state
    public private(set) var wc: UInt8 = 0
    public private(set) var command: UInt8 = 0
    public private(set) var statusRegister: UInt8 = 0x00
    public private(set) var bypass = false
    public private(set) var readCounter = 0
    public private(set) var sectorsToErase = 0
    /// > 0 ⇔ erase-suspend mode (ns left of the suspended erase).
    public private(set) var eraseTimeRemaining: UInt64 = 0
    private var eraseMap: [Bool]
    private var deadline: UInt64?

    let shift: Int
    /// Unlock addresses as the state machine compares them (word addresses, low 11 bits, §3.3).
    public let addr0: UInt64
    public let addr1: UInt64
    let readonly: Bool
    let regions: [(start: UInt64, count: UInt64, length: UInt64, firstSector: Int)]
    let cfiTable: [UInt8]

    public override init(config: DeviceConfig, initial: [UInt8]? = nil) throws {
        shift = config.width == 2 ? 1 : config.width == 4 ? 2 : 0
        addr0 = UInt64(config.unlockAddr0 & 0x7FF)
        addr1 = UInt64(config.unlockAddr1 & 0x7FF)
        readonly = config.readonly
        var list: [(UInt64, UInt64, UInt64, Int)] = []
        var start: UInt64 = 0
        var sectors = 0
        for r in config.eraseRegions {
            list.append((start, r.count, r.length, sectors))
            start += r.count * r.length
            sectors += Int(r.count)
        }
        regions = list.map { (start: $0.0, count: $0.1, length: $0.2, firstSector: $0.3) }
        eraseMap = [Bool](repeating: false, count: sectors)
        cfiTable = CFI02.makeTable(chipLength: config.chipLength, regions: config.eraseRegions)
        try super.init(config: config, initial: initial)
    }

    /// §3.2 query table.
    static func makeTable(chipLength: UInt64, regions: [(count: UInt64, length: UInt64)]) -> [UInt8] {
        var t = [UInt8](repeating: 0, count: 0x4D)
        t[0x10] = 0x51; t[0x11] = 0x52; t[0x12] = 0x59
        t[0x13] = 0x02; t[0x15] = 0x40
        t[0x1B] = 0x27; t[0x1C] = 0x36
        t[0x1F] = 0x07; t[0x20] = 0x00; t[0x21] = 0x09; t[0x22] = 0x0C
        t[0x23] = 0x01; t[0x25] = 0x0A; t[0x26] = 0x0D
        t[0x27] = UInt8(truncatingIfNeeded: UInt32(truncatingIfNeeded: chipLength).trailingZeroBitCount)
        t[0x28] = 0x02
        t[0x2C] = UInt8(regions.count)
        for (r, region) in regions.enumerated() where r < 4 {
            let n = region.count &- 1
            t[0x2D + 4 * r] = UInt8(truncatingIfNeeded: n)
            t[0x2E + 4 * r] = UInt8(truncatingIfNeeded: n >> 8)
            t[0x2F + 4 * r] = UInt8(truncatingIfNeeded: region.length >> 8)
            t[0x30 + 4 * r] = UInt8(truncatingIfNeeded: region.length >> 16)
        }
        t[0x40] = 0x50; t[0x41] = 0x52; t[0x42] = 0x49
        t[0x43] = 0x31; t[0x44] = 0x30
        t[0x45] = 0x00; t[0x46] = 0x02
        return t
    }

    public override var wcycle: UInt8 { wc }
    public override var cmd: UInt8 { command }
    public override var status: UInt8 { statusRegister }
    public override var timerDeadline: UInt64? { deadline }
    public var suspended: Bool { eraseTimeRemaining > 0 }

    /// The word address the state machine compares with the unlock addresses (§3.3).
    public func commandWord(_ chipOffset: UInt64) -> UInt64 { (chipOffset >> UInt64(shift)) & 0x7FF }

    /// The bytes that are commands somewhere in the command set (§3.4): a failed sequence with
    /// one of them is a sequence error, with any other byte a stray store or an unknown command.
    public static func isCommandByte(_ c: UInt8) -> Bool {
        switch c {
        case 0xAA, 0x55, 0x80, 0x90, 0xA0, 0x20, 0x10, 0x30, 0xB0, 0x98, 0xF0, 0x00: return true
        default: return false
        }
    }

    /// The offset, size and value of the write being processed, for `reject`: the helpers of
    /// `ioWrite` see only some of them.
    private var current = (offset: UInt64(0), size: 0, value: UInt32(0))

    /// Records what the current write asked for and the device refused. Called before the
    /// state changes, so `pending` and `wcycle` are the state the write met.
    private func reject(_ kind: Rejection.Kind, range: ByteRange = ByteRange(start: 0, end: 0)) {
        lastRejection = Rejection(kind, command: UInt8(truncatingIfNeeded: current.value), pending: command, wcycle: wc,
                                  size: current.size, value: current.value, offset: current.offset, range: range)
    }

    // MARK: procedures (§3.3)

    private func stateReset() {
        events.append(.reset)
        command = 0
        wc = 0
    }

    private func resetFlash() {
        bypass = false
        stateReset()
    }

    private func doBypass() {
        wc = 2
        command = 0
    }

    private func readArray() {
        events.append(.modeReadArray)
        stateReset()
        romd = true
    }

    /// Device reset: only STATE_RESET (ROMD, bypass, status, suspend and the timer stay).
    public override func reset() { stateReset() }

    private func sector(of offset: UInt64) -> (index: Int, start: UInt64, length: UInt64) {
        for r in regions where offset < r.start + r.count * r.length {
            let i = (offset - r.start) / r.length
            return (r.firstSector + Int(i), r.start + i * r.length, r.length)
        }
        let last = regions[regions.count - 1]
        return (eraseMap.count - 1, last.start + (last.count - 1) * last.length, last.length)
    }

    private func sectorErase(_ offset: UInt64) {
        let s = sector(of: offset)
        let start = offset & ~(s.length - 1)
        let w = UInt64(config.width) * 2
        events.append(FlashEvent(.sectorEraseStart, w, start, w, start + s.length - 1))
        if readonly { reject(.readOnlySectorErase, range: ByteRange(start: start, end: start &+ s.length)) }
        if !readonly { storage.fill(start, s.length) }
        statusRegister &= ~0x80
        sectorsToErase += 1
        eraseMap[s.index] = true
        deadline = later(50_000)
    }

    /// The wcycle-0 (and erase cycle 3) first-unlock check; returns false when it reset.
    private func unlock0Check(_ w: UInt64, _ c: UInt8) {
        if w == 0x55 && c == 0x98 {
            wc = 7; command = 0x98
        } else if c == 0x30 && suspended {
            deadline = later(eraseTimeRemaining)
            eraseTimeRemaining = 0
            wc = 6; command = 0x30
            statusRegister &= ~0x80
            statusRegister |= 0x08
        } else if c == 0x30 {
            resetFlash()
        } else if c == 0xB0 {
            // ignored; ROMD was already switched off
        } else if w != addr0 || c != 0xAA {
            if CFI02.isCommandByte(c) {
                reject(.firstUnlockFailed)
            } else {
                reject(readonly ? .readOnlyStore : .unknownCommand)
            }
            events.append(FlashEvent(.unlock0Failed, w, UInt64(c), addr0))
            resetFlash()
        } else {
            events.append(.write(.unlockSequenceStarted))
            wc += 1
        }
    }

    private func unlock1Check(_ w: UInt64, _ c: UInt8) {
        if w != addr1 || c != 0x55 {
            reject(.secondUnlockFailed)
            events.append(FlashEvent(.unlock1Failed, w, UInt64(c)))
            resetFlash()
        } else {
            events.append(.write(.unlockSequenceDone))
            wc += 1
        }
    }

    // MARK: writes (§3.4)

    public override func ioWrite(offset rawOffset: UInt64, size: Int, value: UInt32) {
        // Mappings are aliases of one chip region: QEMU hands the callback (and its trace) the
        // offset inside the chip, whichever mapping the access went through.
        let offset = rawOffset % chipLength
        current = (offset, size, value)
        events.append(.ioWrite(offset, size, value, wcycle: wc))
        let c = UInt8(truncatingIfNeeded: value)
        // F0 pre-check, before the ROMD switch: F0 never turns ROMD off.
        if command != 0xA0 && c == 0xF0 && command != 0x10 && command != 0x30 {
            if wc == 8 {
                wc = 3; command = 0x90
            } else {
                resetFlash()
            }
            return
        }
        let w = (offset >> UInt64(shift)) & 0x7FF
        switch wc {
        case 0:
            if romd { romd = false }
            readCounter = 0
            unlock0Check(w, c)
        case 1:
            unlock1Check(w, c)
        case 2:
            if !bypass && w != addr0 {
                reject(.commandOffUnlockAddress)
                events.append(FlashEvent(.writeFailed, w, UInt64(c)))
                resetFlash()
            } else if c == 0x20 {
                bypass = true
                doBypass()
            } else if c == 0x80 || c == 0x90 || c == 0xA0 {
                command = c
                wc = 3
                events.append(.cmd(.writeStart, c))
            } else {
                reject(.unknownCommand)
                events.append(.cmd(.writeUnknown, c))
                resetFlash()
            }
        case 3:
            thirdCycle(offset, w, size, value, c)
        case 4:
            if command == 0xA0 {
                // unreachable in QEMU: ignored
            } else if command == 0x80 {
                unlock1Check(w, c)
            } else {
                reject(.invalidState)
                events.append(FlashEvent(.writeInvalidState, UInt64(command), 5))  // prints wc 5 (trap 11)
                resetFlash()
            }
        case 5:
            eraseCommand(offset, w, c)
        case 6:
            eraseInProgress(offset, c)
        case 7, 8:
            events.append(.write(.invalidWriteInCFIQueryMode))
            resetFlash()
        default:
            events.append(.write(.invalidWriteStateWc7))
            resetFlash()
        }
    }

    private func thirdCycle(_ offset: UInt64, _ w: UInt64, _ size: Int, _ value: UInt32, _ c: UInt8) {
        switch command {
        case 0x80:
            unlock0Check(w, c)
        case 0xA0:
            if suspended && eraseMap[sector(of: offset).index] {
                if bypass { doBypass() } else { resetFlash() }
                return
            }
            // Before the update buffer QEMU logged data_write with a counter, always 0 here (§3.11).
            events.append(config.era == .directWrite ? FlashEvent(.dataWriteCounted, offset, UInt64(size), UInt64(value), 0)
                                                     : .dataWrite(offset, size, value))
            if readonly { reject(.readOnlyProgram, range: ByteRange(start: offset, end: offset &+ UInt64(size))) }
            if !readonly { storage.andStore(Int(offset), size, value) }  // trap 7: AND
            statusRegister = (statusRegister & ~0x80) | (~UInt8(truncatingIfNeeded: value) & 0x80)
            if bypass { doBypass() } else { resetFlash() }
        case 0x90:
            if bypass && c == 0x00 {
                resetFlash()
            } else if w == 0x55 && c == 0x98 {
                wc = 8; command = 0x98
            } else {
                reject(.invalidForCommand)
                events.append(.cmd(.writeInvalid, 0x90))
                resetFlash()
            }
        default:
            reject(.invalidForCommand)
            events.append(.cmd(.writeInvalid, command))
            resetFlash()
        }
    }

    private func eraseCommand(_ offset: UInt64, _ w: UInt64, _ c: UInt8) {
        if suspended { resetFlash(); return }
        switch c {
        case 0x10:
            if w != addr0 {
                reject(.chipEraseOffUnlockAddress)
                events.append(FlashEvent(.chipEraseInvalid, offset))
                resetFlash()
                return
            }
            events.append(FlashEvent(.chipEraseStart))
            if readonly { reject(.readOnlyChipErase, range: ByteRange(start: 0, end: chipLength)) }
            if !readonly { storage.fill(0, chipLength) }
            statusRegister &= ~0x80
            deadline = later((UInt64(1) << UInt64(cfiTable[0x22])) * 1_000_000)
            command = 0x10
            wc = 6
        case 0x30:
            sectorErase(offset)
            command = 0x30
            wc = 6
        default:
            reject(CFI02.isCommandByte(c) ? .wrongEraseCommand : .unknownCommand)
            events.append(.cmd(.writeInvalidCommand, c))
            resetFlash()
        }
    }

    private func eraseInProgress(_ offset: UInt64, _ c: UInt8) {
        switch command {
        case 0x10:
            break  // chip erase ignores every write
        case 0x30:
            if c == 0xB0 {
                // Suspend: inside the window the whole erase time is left (spec §3.4 wcycle 6).
                if statusRegister & 0x08 == 0 {
                    eraseTimeRemaining = eraseTime()
                } else {
                    let left = (deadline ?? now) > now ? (deadline ?? now) - now : 0
                    eraseTimeRemaining = max(1, left)
                }
                statusRegister &= ~0x08
                deadline = nil
                stateReset()
            } else if statusRegister & 0x08 == 0 {
                if c == 0x30 {
                    sectorErase(offset)
                } else {
                    resetFlash()  // the timer keeps running (stale-timer quirk, §3.6)
                }
            }
        default:
            reject(.invalidState)
            events.append(FlashEvent(.writeInvalidState, UInt64(command), 6))
            resetFlash()
        }
    }

    /// `ns` from now, saturating: replay sets the clock from trace timestamps, which a hostile
    /// trace can put anywhere up to 2^64 − 1 (fuzz-model drives the clock there).
    private func later(_ ns: UInt64) -> UInt64 {
        let (t, overflow) = now.addingReportingOverflow(ns)
        return overflow ? .max : t
    }

    /// 2^table[0x21] µs per queued sector (512 µs each, spec §3.6).
    private func eraseTime() -> UInt64 {
        (UInt64(1) << UInt64(cfiTable[0x21])) * 1_000 * UInt64(sectorsToErase)
    }

    // MARK: timer (§3.6)

    public override func fireTimer() {
        deadline = nil
        events.append(.cmd(.timerExpired, command))
        if command == 0x30 {
            if statusRegister & 0x08 == 0 {
                statusRegister |= 0x08
                deadline = later(eraseTime())
                events.append(FlashEvent(.eraseTimeout, UInt64(sectorsToErase)))
                return
            }
            events.append(FlashEvent(.eraseComplete))
            for i in eraseMap.indices { eraseMap[i] = false }
            sectorsToErase = 0
            statusRegister &= ~0x08
        }
        statusRegister ^= 0x80
        if bypass {
            wc = 2; command = 0
        } else {
            readArray()
        }
    }

    // MARK: reads (§3.5)

    public override func ioRead(offset rawOffset: UInt64, size: Int) -> UInt32 {
        if !romd && wc == 0 {
            readCounter += 1
            if readCounter > 42 { readArray() }  // lazy ROMD return (trap 8); this read is still traced
        }
        let offset = rawOffset % chipLength
        let r = (offset & 0xFF) >> UInt64(shift)
        var value: UInt32
        switch command {
        case 0x90:
            value = autoselect(offset, size, r)
            events.append(FlashEvent(.readDone, r, UInt64(value)))
        case 0x10, 0x30:
            statusRegister ^= 0x44  // DQ2 and DQ6 toggle before the value is returned
            value = UInt32(statusRegister)
            events.append(FlashEvent(.readStatus, UInt64(value)))
        case 0xA0:
            statusRegister ^= 0x40
            value = UInt32(statusRegister)
            events.append(FlashEvent(.readStatus, UInt64(value)))
        case 0x98:
            value = r < UInt64(cfiTable.count) ? UInt32(cfiTable[Int(r)]) : 0
        default:
            if command != 0x00 && command != 0x80 {
                events.append(.cmd(.readUnknownState, command))
                stateReset()
            }
            value = arrayOrSuspendStatus(offset, size)
        }
        events.append(.ioRead(offset, size, value, cmd: command, wcycle: wc))
        return value
    }

    private func arrayOrSuspendStatus(_ offset: UInt64, _ size: Int) -> UInt32 {
        if suspended && eraseMap[sector(of: offset).index] {
            statusRegister ^= 0x04
            let v = UInt32(statusRegister)
            events.append(FlashEvent(.readStatus, UInt64(v)))
            return v
        }
        let v = storage.load(Int(offset), size)
        events.append(.dataRead(offset, size, v))
        return v
    }

    private func autoselect(_ offset: UInt64, _ size: Int, _ r: UInt64) -> UInt32 {
        let ids = config.ids
        switch r {
        case 0: return UInt32(ids[0])
        case 1: return UInt32(ids[1])
        case 2: return 0
        case 0x0E where ids[2] != 0x00FF: return UInt32(ids[2])
        case 0x0F where ids[3] != 0x00FF: return UInt32(ids[3])
        default:
            let v = storage.load(Int(offset), size)
            events.append(.dataRead(offset, size, v))
            return v
        }
    }
}
