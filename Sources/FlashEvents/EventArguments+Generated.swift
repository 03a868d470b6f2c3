// Generated from EventSpec.table by `swift run flashtrace-lttng-dev gen-accessors`: do not edit.
// Each accessor reads the argument where the event's kind declares it; 0 (and no effect
// when set) for kinds without it.

extension FlashEvent {
    /// `offset` of chipEraseInvalid, dataRead, dataWrite, dataWriteBlock, deviceInfo, ioRead, ioWrite, readDone, unlock0Failed, unlock1Failed, writeBlockErase, writeFailed, outerRead, outerWrite, dataWriteCounted.
    @inlinable public var offset: UInt64 {
        get {
            switch kind {
            case .chipEraseInvalid, .dataRead, .dataWrite, .dataWriteBlock, .deviceInfo, .ioRead, .ioWrite, .readDone, .unlock0Failed, .unlock1Failed, .writeBlockErase, .writeFailed, .outerRead, .outerWrite, .dataWriteCounted: return a0
            default: return 0
            }
        }
        set {
            switch kind {
            case .chipEraseInvalid, .dataRead, .dataWrite, .dataWriteBlock, .deviceInfo, .ioRead, .ioWrite, .readDone, .unlock0Failed, .unlock1Failed, .writeBlockErase, .writeFailed, .outerRead, .outerWrite, .dataWriteCounted: a0 = newValue
            default: break
            }
        }
    }

    /// `size` of dataRead, dataWrite, dataWriteBlock, ioRead, ioWrite, outerRead, outerWrite, dataWriteCounted.
    @inlinable public var size: UInt64 {
        get {
            switch kind {
            case .dataRead, .dataWrite, .dataWriteBlock, .ioRead, .ioWrite, .outerRead, .outerWrite, .dataWriteCounted: return a1
            default: return 0
            }
        }
        set {
            switch kind {
            case .dataRead, .dataWrite, .dataWriteBlock, .ioRead, .ioWrite, .outerRead, .outerWrite, .dataWriteCounted: a1 = newValue
            default: break
            }
        }
    }

    /// `value` of writeBlockStart, writeBlock, dataRead, dataWrite, dataWriteBlock, ioRead, ioWrite, outerRead, outerWrite, dataWriteCounted.
    @inlinable public var value: UInt64 {
        get {
            switch kind {
            case .writeBlockStart, .writeBlock: return a0
            case .dataRead, .dataWrite, .dataWriteBlock, .ioRead, .ioWrite, .outerRead, .outerWrite, .dataWriteCounted: return a2
            default: return 0
            }
        }
        set {
            switch kind {
            case .writeBlockStart, .writeBlock: a0 = newValue
            case .dataRead, .dataWrite, .dataWriteBlock, .ioRead, .ioWrite, .outerRead, .outerWrite, .dataWriteCounted: a2 = newValue
            default: break
            }
        }
    }

    /// `counter` of dataWriteBlock, dataWriteCounted.
    @inlinable public var counter: UInt64 {
        get {
            switch kind {
            case .dataWriteBlock, .dataWriteCounted: return a3
            default: return 0
            }
        }
        set {
            switch kind {
            case .dataWriteBlock, .dataWriteCounted: a3 = newValue
            default: break
            }
        }
    }

    /// `cmd` of readUnknownState, timerExpired, writeInvalid, writeInvalidCommand, writeInvalidState, writeStart, writeUnknown, unlock0Failed, unlock1Failed, writeFailed, ioRead.
    @inlinable public var cmd: UInt64 {
        get {
            switch kind {
            case .readUnknownState, .timerExpired, .writeInvalid, .writeInvalidCommand, .writeInvalidState, .writeStart, .writeUnknown: return a0
            case .unlock0Failed, .unlock1Failed, .writeFailed: return a1
            case .ioRead: return a3
            default: return 0
            }
        }
        set {
            switch kind {
            case .readUnknownState, .timerExpired, .writeInvalid, .writeInvalidCommand, .writeInvalidState, .writeStart, .writeUnknown: a0 = newValue
            case .unlock0Failed, .unlock1Failed, .writeFailed: a1 = newValue
            case .ioRead: a3 = newValue
            default: break
            }
        }
    }

    /// `wcycle` of ioWrite, ioRead.
    @inlinable public var wcycle: UInt64 {
        get {
            switch kind {
            case .ioWrite: return a3
            case .ioRead: return a4
            default: return 0
            }
        }
        set {
            switch kind {
            case .ioWrite: a3 = newValue
            case .ioRead: a4 = newValue
            default: break
            }
        }
    }

    /// `len` of writeBlockErase.
    @inlinable public var len: UInt64 {
        get {
            switch kind {
            case .writeBlockErase: return a1
            default: return 0
            }
        }
        set {
            switch kind {
            case .writeBlockErase: a1 = newValue
            default: break
            }
        }
    }

    /// `start` of sectorEraseStart.
    @inlinable public var start: UInt64 {
        get {
            switch kind {
            case .sectorEraseStart: return a1
            default: return 0
            }
        }
        set {
            switch kind {
            case .sectorEraseStart: a1 = newValue
            default: break
            }
        }
    }

    /// `end` of sectorEraseStart.
    @inlinable public var end: UInt64 {
        get {
            switch kind {
            case .sectorEraseStart: return a3
            default: return 0
            }
        }
        set {
            switch kind {
            case .sectorEraseStart: a3 = newValue
            default: break
            }
        }
    }

    /// `ret` of readStatus, readDone.
    @inlinable public var ret: UInt64 {
        get {
            switch kind {
            case .readStatus: return a0
            case .readDone: return a1
            default: return 0
            }
        }
        set {
            switch kind {
            case .readStatus: a0 = newValue
            case .readDone: a1 = newValue
            default: break
            }
        }
    }

    /// `id` of deviceId, manufacturerId.
    @inlinable public var id: UInt64 {
        get {
            switch kind {
            case .deviceId, .manufacturerId: return a0
            default: return 0
            }
        }
        set {
            switch kind {
            case .deviceId, .manufacturerId: a0 = newValue
            default: break
            }
        }
    }

    /// `count` of eraseTimeout.
    @inlinable public var count: UInt64 {
        get {
            switch kind {
            case .eraseTimeout: return a0
            default: return 0
            }
        }
        set {
            switch kind {
            case .eraseTimeout: a0 = newValue
            default: break
            }
        }
    }

    /// `width1` of sectorEraseStart.
    @inlinable public var width1: UInt64 {
        get {
            switch kind {
            case .sectorEraseStart: return a0
            default: return 0
            }
        }
        set {
            switch kind {
            case .sectorEraseStart: a0 = newValue
            default: break
            }
        }
    }

    /// `width2` of sectorEraseStart.
    @inlinable public var width2: UInt64 {
        get {
            switch kind {
            case .sectorEraseStart: return a2
            default: return 0
            }
        }
        set {
            switch kind {
            case .sectorEraseStart: a2 = newValue
            default: break
            }
        }
    }

    /// `addr0` of unlock0Failed.
    @inlinable public var addr0: UInt64 {
        get {
            switch kind {
            case .unlock0Failed: return a2
            default: return 0
            }
        }
        set {
            switch kind {
            case .unlock0Failed: a2 = newValue
            default: break
            }
        }
    }

    /// `wc` of writeInvalidState.
    @inlinable public var wc: UInt64 {
        get {
            switch kind {
            case .writeInvalidState: return a1
            default: return 0
            }
        }
        set {
            switch kind {
            case .writeInvalidState: a1 = newValue
            default: break
            }
        }
    }

    /// `width` of unsupportedDeviceConfiguration.
    @inlinable public var width: UInt64 {
        get {
            switch kind {
            case .unsupportedDeviceConfiguration: return a0
            default: return 0
            }
        }
        set {
            switch kind {
            case .unsupportedDeviceConfiguration: a0 = newValue
            default: break
            }
        }
    }

    /// `max` of unsupportedDeviceConfiguration.
    @inlinable public var maxWidth: UInt64 {
        get {
            switch kind {
            case .unsupportedDeviceConfiguration: return a1
            default: return 0
            }
        }
        set {
            switch kind {
            case .unsupportedDeviceConfiguration: a1 = newValue
            default: break
            }
        }
    }
}
