import FlashAnalysis
import FlashEvents
import FlashModel
import FlashTraceIO

// Chrome trace events as a sink like the others: the records are replayed (slices, findings and
// polls need the model's view) with a ChromeTraceWriter observing the engine.

public final class ChromeTraceSink: TraceSink {
    public let engine: ReplayEngine
    private let writer: ChromeTraceWriter
    private let trace: String

    public init(configs: [DeviceConfig], images: [String: [UInt8]], options: ReplayOptions, trace: String,
                output: @escaping ([UInt8]) throws -> Void) throws {
        engine = try ReplayEngine(configs: configs, images: images, options: options)
        writer = ChromeTraceWriter(configs: configs, trace: trace, sink: output)
        engine.observer = writer
        self.trace = trace
    }

    public func begin(_ header: TraceHeader) throws {}
    public func write(_ record: TraceRecord, line: Int) throws { try engine.consume(record, line: line) }
    public func gap(count: UInt64, from: UInt64?, to: UInt64?, line: Int) throws {
        engine.gap(count: count, from: from, to: to, line: line)
    }
    public func finish() throws {
        _ = engine.finish(trace: trace)
        try writer.finish()
    }
}
