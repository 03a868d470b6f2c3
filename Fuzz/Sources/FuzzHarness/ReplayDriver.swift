import FlashAnalysis
import FlashModel
import FlashTraceIO

// A whole replay of a hostile JSON-lines trace: header devices, the engine over every record it
// accepts (skipping bad lines, as --keep-going does), and both report renderings.

extension Drivers {
    public static func replay(_ data: UnsafeBufferPointer<UInt8>) {
        let (bytes, maxLine, chunk) = readerLimits(data)
        guard var reader = try? JSONLinesReader(bytes: bytes, maxLineLength: maxLine, chunkSize: chunk),
              let configs = try? reader.header.configs(), !configs.isEmpty, configs.count <= 4,
              configs.allSatisfy(smallEnough),
              let engine = try? ReplayEngine(configs: configs, images: [:]) else { return }
        for _ in 0..<maxItemsPerInput {
            do {
                guard let r = try reader.next() else { break }
                try engine.consume(r, line: reader.lineNumber)
            } catch is TraceFormatError {
                continue
            } catch is ReplayError {
                continue
            } catch {
                fatalError("replay threw \(error)")
            }
        }
        let report = engine.finish(trace: "fuzz.jsonl", truncatedLine: reader.truncatedLastLine ? reader.lineNumber + 1 : nil)
        _ = report.text()
        _ = report.json.serialized
    }
}
