import ArgumentParser
import FlashAnalysis
import FlashTraceIO
import Foundation

// Replay's answers to input that is not what it claims to be.
// `--keep-going`: a malformed event line (an unknown event, a bad value, seq or ts going
// backwards, a device the header does not declare) is reported with its line and skipped, and
// the rest of the trace still gets a verdict. Errors that leave nothing to replay (the header,
// I/O) still stop the replay.
// (A file that is neither JSON lines nor holds a single pflash event is malformed input: OpenedTrace.)

extension Replay {
    /// Lines reported one by one on standard error; the rest are only counted.
    static let skippedLinesShown = 20

    /// Replays every item it can; returns the number of lines skipped.
    static func feedKeepingGoing<S: RecordSource>(_ input: inout S, _ engine: ReplayEngine, trace: String) throws -> Int {
        var skipped = 0
        var lastFailedLine: Int?
        func skip(_ line: Int, _ message: String) throws {
            // A reader that fails twice on one line is not moving on: stop instead of looping.
            if line == lastFailedLine { throw TraceFormatError(line: line, message: message) }
            lastFailedLine = line
            skipped += 1
            if skipped <= skippedLinesShown { warn("\(trace):\(line): \(message) (line skipped)") }
        }
        while true {
            do {
                guard let item = try input.nextItem() else { break }
                switch item {
                case .record(let record): try engine.consume(record, line: input.lineNumber)
                case .gap(let count, let from, let to): engine.gap(count: count, from: from, to: to, line: input.lineNumber)
                }
            } catch let e as TraceFormatError where e.line > 0 {
                try skip(e.line, e.message)
            } catch let e as ReplayError {
                try skip(e.line, e.message)
            }
        }
        if skipped > skippedLinesShown { warn("\(trace): … and \(skipped - skippedLinesShown) more skipped lines") }
        return skipped
    }
}
