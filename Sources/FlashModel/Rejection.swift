// What a device model refused to do with a write: the places where QEMU's pflash_cfi01.c and
// pflash_cfi02.c give up on a command (CFI01's ERROR exit, logged with `-d unimp`, spec §2.5;
// CFI02's failed-unlock and invalid-command paths, §3.4), the buffered-write data QEMU drops
// (§2.5 wcycle 2 and 3, §2.10), and what a read-only device does not carry out (§1.2).
//
// Not a trace event: QEMU traces none of this as such (its ERROR exit shows only as
// `mode_read_array`). The model says it so that the findings of each QEMU era are that era's
// model's, and nothing outside the model keeps a copy of the command set.

/// One rejected write. A plain value (no references): replay reads it after every write.
public struct Rejection: Sendable, Equatable {
    public enum Kind: UInt8, Sendable, CaseIterable {
        // Both models
        /// A byte the command set does not define, where a command was expected (CFI01's ERROR
        /// exit at wcycle 0, §2.5; CFI02 `unlock0_failed` with no command byte, `write_unknown`,
        /// `write_invalid_command` with no command byte, §3.4).
        case unknownCommand
        /// A program, erase, write-to-buffer or lock command that a read-only device will not
        /// carry out (§1.2): one rejection per sequence, at the command that starts it (CFI01's
        /// setup cycle; QEMU sets status 0x10 or 0x20 at its data or erase cycle).
        case readOnlyCommand
        /// A CFI02 program, sector erase or chip erase that a read-only device does not carry
        /// out (§3.4: QEMU emits the data and erase events all the same). `range` holds the bytes.
        case readOnlyProgram, readOnlySectorErase, readOnlyChipErase
        /// A store to a read-only device in read mode that is no command there (an unknown byte,
        /// CFI01's 0x00 or a confirm with nothing to confirm): a stray data store, dropped.
        case readOnlyStore
        /// Command byte in a state that cannot be reached without corrupt state (CFI01 ERROR exits
        /// at wcycle 1–3 with no matching command, §2.5; CFI02 `write_invalid_state`, §3.4).
        case invalidState

        // CFI01 (§2.5)
        /// 0xD0 or 0x01 at wcycle 0: a confirm with no setup command pending (ERROR exit).
        case confirmWithoutSetup
        /// Block erase setup (0x20) followed by something other than 0xD0: QEMU already erased
        /// the block on the setup cycle (trap 1); a real part erases nothing.
        case eraseNotConfirmed
        /// Lock setup (0x60) followed by something other than 0x01, 0xD0 or 0xFF ("unknown
        /// (un)locking command").
        case lockNotConfirmed
        /// A write-to-buffer count of more bus writes than the buffer holds (QEMU checks none).
        case bufferCountTooLarge
        /// Buffered data outside the write-buffer window: status 0x10, the word is dropped, the
        /// flush will abort. `range` holds the window.
        case bufferDataOutsideWindow
        /// The one data word of a count-0 buffered write on 9.0.1 and later (§2.10): no buffer
        /// opens, the word is dropped, status 0x10, the flush aborts.
        case oneWordBufferDropped
        /// The confirm cycle of a buffered write is not 0xD0: QEMU aborts the buffer (or, before
        /// the update buffer, has written the data already and only logs the abort).
        case bufferNotConfirmed
        /// 0xD0 confirm while status bit 0x10 is set: QEMU aborts the buffer.
        case bufferAbortedByStatus

        // CFI02 (§3.4)
        /// The first unlock cycle (0xAA at unlock-addr0) did not come, and the byte written is a
        /// command byte (`unlock0_failed`).
        case firstUnlockFailed
        /// The second unlock cycle (0x55 at unlock-addr1) did not come (`unlock1_failed`).
        case secondUnlockFailed
        /// The command after the unlock cycles was not at unlock-addr0 (`write_failed`).
        case commandOffUnlockAddress
        /// A byte that is not valid for the pending command (`write_invalid`).
        case invalidForCommand
        /// The erase command at wcycle 5 is a command byte, but not 0x10 or 0x30
        /// (`write_invalid_command`).
        case wrongEraseCommand
        /// Chip erase (0x10) not at unlock-addr0 (`chip_erase_invalid`).
        case chipEraseOffUnlockAddress
    }

    /// What a real flash part does with the same write, where the finding needs to say it.
    public enum RealPart: UInt8, Sendable {
        /// Rejects it as well, or the command set leaves it undefined.
        case rejects
        /// Programs the data this QEMU drops.
        case programs
        /// Leaves the array as it was, where this QEMU has already changed it.
        case leavesArray
        /// Anchors the write-buffer window at the first data write, not at the count write as
        /// this QEMU does: whether it takes the word depends on where that first write fell.
        case windowAtFirstData
    }

    public var kind: Kind
    public var realPart: RealPart
    /// The command byte written (`value & 0xFF`, spec "cmd8").
    public var command: UInt8
    /// `cmd` and `wcycle` before the write.
    public var pending: UInt8
    public var wcycle: UInt8
    public var size: UInt8
    public var value: UInt32
    /// Offset of the write inside the chip.
    public var offset: UInt64
    /// The bytes concerned: the erase block or sector, the write-buffer window, the programmed
    /// bytes; empty when none.
    public var range: ByteRange

    @inlinable
    public init(_ kind: Kind, realPart: RealPart = .rejects, command: UInt8, pending: UInt8, wcycle: UInt8,
                size: Int, value: UInt32, offset: UInt64, range: ByteRange = ByteRange(start: 0, end: 0)) {
        self.kind = kind
        self.realPart = realPart
        self.command = command
        self.pending = pending
        self.wcycle = wcycle
        self.size = UInt8(truncatingIfNeeded: size)
        self.value = value
        self.offset = offset
        self.range = range
    }

    /// Whether the rejection is the device being read-only (one finding for the sequence).
    @inlinable public var isReadOnly: Bool {
        switch kind {
        case .readOnlyCommand, .readOnlyStore, .readOnlyProgram, .readOnlySectorErase, .readOnlyChipErase: return true
        default: return false
        }
    }
}
