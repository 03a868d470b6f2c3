import FlashEvents
import FlashModel

// An optional listener on a replay, for outputs that need more than the engine's constant-size
// summary: flash maps, timelines, Chrome traces. The engine calls it only when one is set, so a
// plain replay pays one nil check per input.

/// One input the model handled: the recorded event that started it and the model's events.
public struct ReplayStep {
    /// Index of the device in the configurations the engine was built with.
    public var device: Int
    public var record: TraceRecord
    /// Input line of `record`.
    public var line: Int
    /// What the model emitted for the input (offsets inside the chip).
    public var events: [FlashEvent]
    /// What those events did to the array (the model's ArrayEffects): stores, flushed buffers, erases.
    public var effects: [ArrayEffect]
    /// The device is at rest after the input (see `FlashDevice.isAtRest`): a command sequence,
    /// if one was open, ended with this input.
    public var idle: Bool
}

public protocol ReplayObserver: AnyObject {
    func replayed(_ step: ReplayStep)
    /// Every finding, also those the report only counts; called after the step it belongs to
    /// (end-of-trace findings come after the last step).
    func found(_ finding: Finding)
}

extension FlashDevice {
    /// Read-array mode with no cycle or erase pending: what firmware leaves between operations.
    /// CFI02 drops ROMD lazily (after 42 reads), so only its command state counts there.
    public var isAtRest: Bool {
        switch config.type {
        case .cfi01: return romd && wcycle == 0
        case .cfi02: return wcycle == 0 && cmd != 0x10 && cmd != 0x30 && timerDeadline == nil
        }
    }
}
