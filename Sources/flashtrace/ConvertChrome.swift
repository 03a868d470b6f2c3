import ArgumentParser
import FlashAnalysis
import FlashReports
import FlashSession

// `convert --to chrome-json`: the trace replayed (findings need the model) with a
// ChromeTraceWriter streaming trace events to the output file as it goes.

extension Convert {
    func convertToChromeJSON() throws {
        let progress = ProgressMeter(label: "convert", quiet: quiet, outputIsStdout: output == "-")
        var session = try TraceSession.open(trace, devices: devices, progress: progress)
        let out = try OutputFile(path: output, force: force)
        let writer = ChromeTraceWriter(configs: session.configs, trace: trace) { bytes in try out.writeAll(bytes) }
        session.engine.observer = writer
        do {
            while try session.step() {}
            _ = session.finish()
            try writer.finish()
        } catch let e as SessionError {
            out.discard()
            throw fail(e)
        } catch {
            out.discard()
            throw fail("\(error)", .ioError)
        }
        try out.commit()
    }
}
