import FlashAnalysis
import FlashModel
import FlashTraceIO

// A whole replay of a hostile JSON-lines trace: header devices, the engine over every record it
// accepts (skipping bad lines, as --keep-going does), and both report renderings.

extension Drivers {
    public static func replay(_ data: UnsafeBufferPointer<UInt8>) {
        let (bytes, maxLine, chunk) = readerLimits(data)
        guard var reader = try? JSONLinesReader(bytes: bytes, maxLineLength: maxLine, chunkSize: chunk),
              let declared = try? reader.header.configs(), !declared.isEmpty, declared.count <= 4 else { return }
        // Real traces declare 64 MiB devices: keep their geometry but back only the first MiB
        // (accesses beyond become outer reads/writes), so the seeds replay at fuzzing speed.
        let configs = declared.map { c -> DeviceConfig in
            var small = c
            if c.backing > maxFuzzBacking { small.backingSize = maxFuzzBacking }
            return small
        }
        guard configs.allSatisfy(smallEnough), let engine = try? ReplayEngine(configs: configs, images: [:]) else { return }
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
