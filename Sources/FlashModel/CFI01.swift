import FlashEvents

// cfi.pflash01, Intel/Sharp command set, as QEMU 7.2.22 behaves (spec §2), and as 9.0.1 and later
// do where they differ (§2.10: the write-to-buffer window; `config.era`).
// Geometry and the query table: §2.2, §2.3. Write state machine: §2.5. Reads: §2.6.
// Status: §2.7. ROMD: §2.8. Event order: §2.9.
// Rejections (`reject`) are raised where §2.5 takes the ERROR exit (QEMU's `-d unimp` line), where
// buffered data or a buffer is dropped, and where a read-only device will not carry a command out.
// The 7.2-era `-d unimp` "Write to buffer emulation is flawed" on every 0xE8 is QEMU speaking of
// itself, not of the guest, and is no rejection.

public final class CFI01: FlashDevice, @unchecked Sendable {
    // §2.4 state
    public private(set) var wc: UInt8 = 0
    public private(set) var command: UInt8 = 0
    public private(set) var statusRegister: UInt8 = 0x80
    public private(set) var counter: UInt64 = 0
    /// Start of the open write buffer, nil when none is open (QEMU's blk_offset −1).
    public private(set) var bufferOffset: UInt64?
    private var buffer: [UInt8] = []

    // §2.2 derived values
    public let numDevices: Int
    public let writeblockSize: UInt64
    public let deviceLength: UInt64
    let width: Int
    let deviceWidth: Int
    let maxDeviceWidth: Int
    let sectorLength: UInt64
    let readonly: Bool
    /// Which QEMU's write-to-buffer this device follows (§2.10).
    let era: PflashEra
    /// Address shift from bus offset to CFI/ID index in device-width mode (§2.6.2).
    let laneShift: Int
    /// Legacy-mode shift of `offset & 0xFF` (§2.6.2).
    let legacyShift: Int
    let cfiTable: [UInt8]

    public override init(config: DeviceConfig, initial: [UInt8]? = nil) throws {
        width = Int(config.width)
        deviceWidth = Int(config.deviceWidth)
        maxDeviceWidth = config.maxDeviceWidth != 0 ? Int(config.maxDeviceWidth) : Int(config.deviceWidth)
        sectorLength = config.sectorLength
        readonly = config.readonly
        era = config.era
        numDevices = deviceWidth != 0 ? width / deviceWidth : 1
        let blocksPerDevice: UInt64
        let sectorLengthPerDevice: UInt64
        if config.oldMultipleChipHandling {
            blocksPerDevice = config.numBlocks / UInt64(numDevices)
            sectorLengthPerDevice = config.sectorLength
        } else {
            blocksPerDevice = config.numBlocks
            sectorLengthPerDevice = config.sectorLength / UInt64(numDevices)
        }
        deviceLength = sectorLengthPerDevice &* blocksPerDevice
        let bufExp: UInt8 = width == 1 ? 8 : 11
        writeblockSize = (UInt64(1) << UInt64(bufExp))
            * UInt64((!config.oldMultipleChipHandling && numDevices > 1) ? numDevices : 1)
        if deviceWidth != 0 {
            laneShift = log2(width) + log2(maxDeviceWidth) - log2(deviceWidth)
        } else {
            laneShift = 0
        }
        legacyShift = width == 2 ? 1 : width == 4 ? 2 : 0
        cfiTable = CFI01.makeTable(deviceLength: deviceLength, bufExp: bufExp,
                                   blocksPerDevice: blocksPerDevice, sectorLengthPerDevice: sectorLengthPerDevice)
        try super.init(config: config, initial: initial)
    }

    /// §2.3 query table.
    static func makeTable(deviceLength: UInt64, bufExp: UInt8, blocksPerDevice: UInt64,
                          sectorLengthPerDevice: UInt64) -> [UInt8] {
        var t = [UInt8](repeating: 0, count: 0x52)
        t[0x10] = 0x51; t[0x11] = 0x52; t[0x12] = 0x59
        t[0x13] = 0x01; t[0x15] = 0x31
        t[0x1B] = 0x45; t[0x1C] = 0x55
        t[0x1F] = 0x07; t[0x20] = 0x07; t[0x21] = 0x0A
        t[0x23] = 0x04; t[0x24] = 0x04; t[0x25] = 0x04
        // Trailing-zero count, not a rounded log2 (spec §2.3 note).
        t[0x27] = UInt8(truncatingIfNeeded: UInt32(truncatingIfNeeded: deviceLength).trailingZeroBitCount)
        t[0x28] = 0x02
        t[0x2A] = bufExp
        t[0x2C] = 0x01
        t[0x2D] = UInt8(truncatingIfNeeded: blocksPerDevice &- 1)
        t[0x2E] = UInt8(truncatingIfNeeded: (blocksPerDevice &- 1) >> 8)
        t[0x2F] = UInt8(truncatingIfNeeded: sectorLengthPerDevice >> 8)
        t[0x30] = UInt8(truncatingIfNeeded: sectorLengthPerDevice >> 16)
        t[0x31] = 0x50; t[0x32] = 0x52; t[0x33] = 0x49
        t[0x34] = 0x31; t[0x35] = 0x30
        t[0x3F] = 0x01
        return t
    }

    public override var wcycle: UInt8 { wc }
    public override var cmd: UInt8 { command }
    public override var status: UInt8 { statusRegister }
    /// Bytes of the write-buffer window (§2.2 writeblock_size).
    public var bufferWindow: UInt64 { writeblockSize }

    // MARK: reset (§2.4)

    public override func reset() {
        events.append(.reset)
        command = 0
        wc = 0
        romd = true
        statusRegister = 0x80
        bufferOffset = nil
    }

    // MARK: writes (§2.5)

    /// READ_ARRAY exit.
    private func readArray() {
        events.append(.modeReadArray)
        romd = true
        wc = 0
        command = 0
    }

    /// Records what this write asked for and the device refused. Called before the state
    /// changes, so `pending` and `wcycle` are the state the write met.
    private func reject(_ kind: Rejection.Kind, _ offset: UInt64, _ size: Int, _ value: UInt32,
                        realPart: Rejection.RealPart = .rejects, range: ByteRange = ByteRange(start: 0, end: 0)) {
        lastRejection = Rejection(kind, realPart: realPart, command: UInt8(truncatingIfNeeded: value), pending: command,
                                  wcycle: wc, size: size, value: value, offset: offset, range: range)
    }

    public override func ioWrite(offset: UInt64, size: Int, value: UInt32) {
        events.append(.ioWrite(offset, size, value, wcycle: wc))
        if wc == 0 { romd = false }
        let c = UInt8(truncatingIfNeeded: value)
        switch wc {
        case 0: firstCycle(offset, size, value, c)
        case 1: secondCycle(offset, size, value, c)
        case 2: bufferData(offset, size, value)
        case 3: bufferConfirm(offset, size, value, c)
        default:
            reject(.invalidState, offset, size, value)
            events.append(.write(.invalidWriteState))
            readArray()
        }
    }

    private func firstCycle(_ offset: UInt64, _ size: Int, _ value: UInt32, _ c: UInt8) {
        switch c {
        case 0x00:
            // QEMU's internal read-array state, no Intel command: on a read-only bank it is what
            // a stray store of zero looks like (AAVMF's 64-bit store's upper half).
            if readonly { reject(.readOnlyStore, offset, size, value) }
            readArray()
        case 0x10, 0x40:
            if readonly { reject(.readOnlyCommand, offset, size, value) }
            events.append(.write(.singleByteProgram0))
            wc = 1; command = c
        case 0x20:
            // Trap 1: the block is erased on the setup cycle, before any confirm.
            let start = offset & ~(sectorLength - 1)
            if readonly { reject(.readOnlyCommand, offset, size, value, range: ByteRange(start: start, end: start &+ sectorLength)) }
            events.append(FlashEvent(.writeBlockErase, start, sectorLength))
            if !readonly {
                storage.fill(start, sectorLength)
            } else {
                statusRegister |= 0x20
            }
            statusRegister |= 0x80
            wc = 1; command = c
        case 0x50:
            statusRegister = 0  // trap 2: bit 7 too
            events.append(.write(.clearStatusBits))
            readArray()
        case 0x60:
            // No lock state is kept (§2.5); on a read-only device the firmware still means to
            // change it.
            if readonly { reject(.readOnlyCommand, offset, size, value) }
            events.append(.write(.blockUnlock))
            wc = 1; command = c
        case 0x70:
            events.append(.write(.readStatusRegister))
            command = c
        case 0x90:
            events.append(.write(.readDeviceInformation))
            command = c
        case 0x98:
            events.append(.write(.cfiQuery))
            wc = 1; command = c
        case 0xE8:
            // The data cycles will set status 0x10 and the confirm abort; one rejection here
            // stands for the sequence.
            if readonly { reject(.readOnlyCommand, offset, size, value) }
            events.append(.write(.writeToBuffer))
            statusRegister |= 0x80
            wc = 1; command = c
        case 0xF0:
            events.append(.write(.probeForAMDFlash))
            readArray()
        case 0xFF:
            events.append(.write(.readArrayMode))
            readArray()
        default:
            // ERROR exit: only a -d unimp log line, no trace event of its own. On a read-only
            // device whatever is no command is a stray data store.
            if readonly {
                reject(.readOnlyStore, offset, size, value)
            } else {
                reject(c == 0xD0 || c == 0x01 ? .confirmWithoutSetup : .unknownCommand, offset, size, value)
            }
            readArray()
        }
    }

    private func secondCycle(_ offset: UInt64, _ size: Int, _ value: UInt32, _ c: UInt8) {
        switch command {
        case 0x10, 0x40:
            events.append(.write(.singleByteProgram1))
            if !readonly {
                storage.store(Int(offset), size, value)  // trap 7: plain overwrite
                events.append(dataWriteEvent(offset, size, value))
            } else {
                statusRegister |= 0x10
            }
            statusRegister |= 0x80
            wc = 0
        case 0x20, 0x28:
            if c == 0xD0 {
                statusRegister |= 0x80
                wc = 0
            } else {
                // A bad confirm is the ERROR exit; 0xFF is QEMU's plain read array, but no
                // confirm either. The erase already happened; a real part erases nothing.
                reject(.eraseNotConfirmed, offset, size, value, realPart: .leavesArray)
                readArray()
            }
        case 0x60:
            if c == 0xD0 || c == 0x01 {
                statusRegister |= 0x80
                wc = 0
            } else if c == 0xFF {
                readArray()
            } else {
                reject(.lockNotConfirmed, offset, size, value)
                events.append(.write(.unknownLockingCommand))
                readArray()
            }
        case 0x98:
            if c == 0xFF {
                readArray()
            } else {
                events.append(.write(.leavingQueryMode))  // trap 3: it does not leave
            }
        case 0xE8:
            let bits = (deviceWidth != 0 ? deviceWidth : width) * 8
            counter = bits >= 32 ? UInt64(value) : UInt64(value) & ((1 << UInt64(bits)) - 1)
            // QEMU checks the count against nothing; a real part refuses a count of more bus
            // writes than its buffer holds. No overflow: the count has at most 32 bits.
            if (counter + 1) * UInt64(width) > writeblockSize {
                reject(.bufferCountTooLarge, offset, size, value)
            }
            // §2.10: 7.2.9+ anchors the buffer window at the count write (trap 5); 9.0.1+ at
            // the first data write (bufferData).
            // Before the update buffer (§2.10) there is no window: pflash_write_block(count).
            switch era {
            case .directWrite: events.append(FlashEvent(.writeBlock, counter & 0xFFFF_FFFF))
            case .bufferAtCount: openBuffer(at: offset)
            case .bufferAtFirstData: bufferOffset = nil
            }
            wc = 2
        default:
            reject(.invalidState, offset, size, value)  // ERROR exit (wcycle 1 with no such command)
            readArray()
        }
    }

    /// Opens the write buffer: a copy of the window holding `offset`, 0xFF past the image.
    private func openBuffer(at offset: UInt64) {
        let start = offset & ~(writeblockSize - 1)
        bufferOffset = start
        // One buffer for the device's lifetime.
        if buffer.count != Int(writeblockSize) { buffer = [UInt8](repeating: 0xFF, count: Int(writeblockSize)) }
        let available = Int(min(writeblockSize, backing > start ? backing - start : 0))
        buffer.withUnsafeMutableBufferPointer { dst in
            if available > 0 { storage.copy(Int(start), available, to: dst.baseAddress!) }
            if available < dst.count { dst.baseAddress!.advanced(by: available).update(repeating: 0xFF, count: dst.count - available) }
        }
        events.append(FlashEvent(.writeBlockStart, counter & 0xFFFF_FFFF))
    }

    /// `pflash_data_write`; QEMU before the update buffer logged the counter with it (§2.10).
    @inline(__always) private func dataWriteEvent(_ offset: UInt64, _ size: Int, _ value: UInt32) -> FlashEvent {
        era == .directWrite ? FlashEvent(.dataWriteCounted, offset, UInt64(size), UInt64(value), counter) : .dataWrite(offset, size, value)
    }

    /// Before the update buffer (§2.10): each data write goes straight to storage, wherever it
    /// lands; the count running out ends the data phase.
    private func directBufferData(_ offset: UInt64, _ size: Int, _ value: UInt32) {
        if !readonly {
            events.append(dataWriteEvent(offset, size, value))
            storage.store(Int(offset), size, value)
        } else {
            statusRegister |= 0x10
        }
        endDataCycle()
    }

    /// The end of every data cycle, in each era: the count running out starts the confirm phase.
    private func endDataCycle() {
        statusRegister |= 0x80
        if counter == 0 {
            events.append(.write(.blockWriteFinished))
            wc = 3
        }
        counter &-= 1  // 7.2.22 decrements past zero (wraps); 9.1+ stops at 0, which no event shows
    }

    private func bufferData(_ offset: UInt64, _ size: Int, _ value: UInt32) {
        guard command == 0xE8 else {
            reject(.invalidState, offset, size, value)  // ERROR exit (wcycle 2 without 0xE8)
            readArray()
            return
        }
        if era == .directWrite { directBufferData(offset, size, value); return }
        // 9.0.1+: the first data write opens the window, unless the count was 0 (then no buffer
        // opens, the data sets status 0x10 and the confirm aborts: a one-word buffered write
        // that real Intel parts program is dropped).
        if era == .bufferAtFirstData && bufferOffset == nil && counter != 0 { openBuffer(at: offset) }
        if !readonly, let start = bufferOffset {
            if offset < start || offset + UInt64(size) > start + writeblockSize {
                // Silently: no trace, nothing stored. 7.2.9 – 9.0.0 anchor the window at the count
                // write, where a real part anchors it at the first data write.
                reject(.bufferDataOutsideWindow, offset, size, value,
                       realPart: era == .bufferAtCount ? .windowAtFirstData : .rejects,
                       range: ByteRange(start: start, end: start &+ writeblockSize))
                statusRegister |= 0x10
            } else {
                events.append(FlashEvent(.dataWriteBlock, offset, UInt64(size), UInt64(value), counter))
                let base = Int(offset - start)
                let bigEndian = config.bigEndian
                // One uniqueness check for the buffer, not one per byte.
                buffer.withUnsafeMutableBufferPointer { b in
                    // The window check above keeps base + size within the buffer.
                    if size == 4 && !bigEndian {
                        UnsafeMutableRawPointer(b.baseAddress! + base).storeBytes(of: value.littleEndian, as: UInt32.self)
                        return
                    }
                    for i in 0..<size {
                        let shift = bigEndian ? (size - 1 - i) * 8 : i * 8
                        b[base + i] = UInt8(truncatingIfNeeded: value >> UInt32(shift))
                    }
                }
            }
        } else {
            // A read-only device drops every word (its 0xE8 was rejected already); otherwise no
            // buffer is open, which happens only for a count of 0 on 9.0.1 and later.
            if !readonly && era == .bufferAtFirstData && counter == 0 {
                reject(.oneWordBufferDropped, offset, size, value, realPart: .programs)
            }
            statusRegister |= 0x10
        }
        endDataCycle()
    }

    private func bufferConfirm(_ offset: UInt64, _ size: Int, _ value: UInt32, _ c: UInt8) {
        if era == .directWrite {
            // Nothing to flush: 0xD0 only ends the sequence (status mode stays); anything else is
            // an unimplemented abort (a -d unimp line, no event) that cannot undo the data.
            if command == 0xE8 && c == 0xD0 {
                wc = 0
                statusRegister |= 0x80
            } else {
                if command != 0xE8 {
                    reject(.invalidState, offset, size, value)
                } else if !readonly {
                    reject(.bufferNotConfirmed, offset, size, value, realPart: .leavesArray)
                }
                readArray()
            }
            return
        }
        if command == 0xE8 && c == 0xD0 && statusRegister & 0x10 == 0 {
            if let start = bufferOffset {
                let n = Int(min(writeblockSize, backing > start ? backing - start : 0))
                storage.replace(Int(start), with: buffer[0..<n])
            }
            bufferOffset = nil
            wc = 0
            statusRegister |= 0x80
            events.append(FlashEvent(.writeBlockFlush))
        } else {
            // The abort is no -d unimp line unless the command is not 0xE8 (the ERROR exit). A
            // read-only device always aborts here; its 0xE8 was rejected already.
            if command != 0xE8 {
                reject(.invalidState, offset, size, value)
            } else if !readonly {
                reject(c == 0xD0 ? .bufferAbortedByStatus : .bufferNotConfirmed, offset, size, value)
            }
            bufferOffset = nil
            events.append(FlashEvent(.writeBlockAbort))
            readArray()
        }
    }

    // MARK: reads (§2.6)

    public override func ioRead(offset: UInt64, size: Int) -> UInt32 {
        var value: UInt32
        switch command {
        case 0x00:
            value = storage.load(Int(offset), size)
            events.append(.dataRead(offset, size, value))
        case 0x10, 0x20, 0x28, 0x40, 0x50, 0x60, 0x70, 0xE8:
            value = replicatedStatus(size)
            events.append(FlashEvent(.readStatus, UInt64(value)))
        case 0x90:
            value = deviceWidth == 0 ? legacyID(offset) : laneLoop(offset, size, idLane)
        case 0x98:
            value = deviceWidth == 0 ? legacyCFI(offset) : laneLoop(offset, size, cfiLane)
        default:
            events.append(FlashEvent(.readUnknownState, UInt64(command)))
            wc = 0; command = 0
            value = storage.load(Int(offset), size)
            events.append(.dataRead(offset, size, value))
        }
        events.append(.ioRead(offset, size, value, cmd: command, wcycle: wc))
        return value
    }

    /// §2.6.1
    private func replicatedStatus(_ size: Int) -> UInt32 {
        let s = UInt32(statusRegister)
        if deviceWidth != 0 && size > deviceWidth {
            var v = s
            var shift = deviceWidth * 8
            while shift + deviceWidth * 8 <= size * 8 {
                v |= s << UInt32(shift)
                shift += deviceWidth * 8
            }
            return v
        } else if deviceWidth == 0 && size > 2 {
            return s | s << 16
        }
        return s
    }

    /// The device-width lane loop of §2.6.2, including the wide-read address bug (`i·width`).
    private func laneLoop(_ offset: UInt64, _ size: Int, _ lane: (UInt64) -> UInt32) -> UInt32 {
        var acc: UInt32 = 0xFFFF_FFFF
        var i = 0
        while i < size {
            acc = deposit(acc, i * 8, width * 8, lane(offset + UInt64(i * width)))
            i += width
        }
        return acc
    }

    /// Copies lane 0 (device_width bytes) into every device lane of the bank.
    private func replicateLanes(_ r0: UInt32) -> UInt32 {
        var r = r0
        var j = deviceWidth
        while j < width {
            r = deposit(r, 8 * j, 8 * deviceWidth, r)
            j += deviceWidth
        }
        return r
    }

    private func cfiLane(_ o: UInt64) -> UInt32 {
        let k = o >> UInt64(laneShift)
        if k >= UInt64(cfiTable.count) { return 0 }
        var r = UInt32(cfiTable[Int(k)])
        if deviceWidth != maxDeviceWidth {
            if deviceWidth != 1 || width > 4 {
                events.append(FlashEvent(.unsupportedDeviceConfiguration, UInt64(deviceWidth), UInt64(maxDeviceWidth)))
                return 0
            }
            // x8 mode of a wider chip: the entry repeated in bytes 0..mdw−1.
            let b = r
            for j in 1..<maxDeviceWidth { r |= b << UInt32(8 * j) }
        }
        return replicateLanes(r)
    }

    private func idLane(_ o: UInt64) -> UInt32 {
        let k = o >> UInt64(laneShift)
        let r: UInt32
        switch k & 0xFF {
        case 0:
            r = UInt32(config.ids[0])
            events.append(FlashEvent(.manufacturerId, UInt64(config.ids[0])))
        case 1:
            r = UInt32(config.ids[1])
            events.append(FlashEvent(.deviceId, UInt64(config.ids[1])))
        default:
            events.append(FlashEvent(.deviceInfo, o))  // prints the byte offset in this mode
            return 0
        }
        return replicateLanes(r)
    }

    /// Legacy (device-width 0) CFI: single bytes, mirrored every 256 offset bytes.
    private func legacyCFI(_ offset: UInt64) -> UInt32 {
        let i = Int((offset & 0xFF) >> UInt64(legacyShift))
        return i < cfiTable.count ? UInt32(cfiTable[i]) : 0
    }

    /// Legacy ID: `(id0<<8)|id1` at index 0, `(id2<<8)|id3` at 1, otherwise 0 (prints the index).
    private func legacyID(_ offset: UInt64) -> UInt32 {
        let i = (offset & 0xFF) >> UInt64(legacyShift)
        let ids = config.ids.map(UInt32.init)
        switch i {
        case 0:
            let v = ids[0] << 8 | ids[1]
            events.append(FlashEvent(.manufacturerId, UInt64(v & 0xFFFF)))
            return v
        case 1:
            let v = ids[2] << 8 | ids[3]
            events.append(FlashEvent(.deviceId, UInt64(v & 0xFFFF)))
            return v
        default:
            events.append(FlashEvent(.deviceInfo, i))
            return 0
        }
    }
}

/// QEMU's deposit32: replaces `length` bits of `value` at `start` with the low bits of `field`.
@inline(__always)
func deposit(_ value: UInt32, _ start: Int, _ length: Int, _ field: UInt32) -> UInt32 {
    if start >= 32 { return value }
    let len = min(length, 32 - start)
    let mask: UInt32 = (len >= 32 ? UInt32.max : (UInt32(1) << UInt32(len)) - 1) << UInt32(start)
    return (value & ~mask) | ((field << UInt32(start)) & mask)
}

@inline(__always)
func log2(_ v: Int) -> Int { v <= 1 ? 0 : (Int.bitWidth - 1 - v.leadingZeroBitCount) }
