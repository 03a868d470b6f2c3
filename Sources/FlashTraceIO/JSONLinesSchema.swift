// The byte fragments of an event line in canonical key order, precomputed once per kind: the
// writer copies them, the reader's fast path compares against them.
//   {"seq":N,"ts":NS,"dev":"virt.flash1","event":"io_write","offset":0,"size":4,"value":2097184,"wcycle":0}

import FlashEvents

struct JSONLinesSchema: Sendable {
    struct Event: Sendable {
        /// `","event":"io_write"` (starting with the quote that closes the device name)
        let eventFragment: [UInt8]
        /// `,"offset":` per declared argument
        let argKeys: [[UInt8]]
        let argTypes: [ArgType]
    }

    static let seqKey = Array(#"{"seq":"#.utf8)
    static let tsKey = Array(#","ts":"#.utf8)
    static let devKey = Array(#","dev":""#.utf8)

    /// Indexed by EventKind.rawValue.
    let events: [Event]

    static let shared = JSONLinesSchema()

    private init() {
        events = EventKind.allCases.map { kind in
            Event(eventFragment: Array(#"","event":"\#(kind.name)""#.utf8),
                  argKeys: kind.spec.args.map { Array(#","\#($0.name)":"#.utf8) },
                  argTypes: kind.spec.args.map(\.type))
        }
    }
}
