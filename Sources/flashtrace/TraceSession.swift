import ArgumentParser
import FlashAnalysis
import FlashEvents
import FlashModel
import FlashTraceIO

// A trace opened the way `replay` opens it (any input form, devices from the trace or the
// device options), with an engine ready to run: shared by `diff` and `convert --to chrome-json`.
// It reuses Replay's own opening and device inference so every command reads the same forms.

struct TraceSession {
    let path: String
    var input: any RecordSource
    let configs: [DeviceConfig]
    let engine: ReplayEngine

    static func open(_ path: String, devices: DeviceOptions, quiet: Bool, progress: ProgressMeter?) throws -> TraceSession {
        var replay = try Replay.parse(["--", path])
        replay.devices = devices
        replay.quiet = quiet
        var input: any RecordSource
        if let ctf = try replay.openCTF() {
            input = ctf
        } else {
            do { input = try TraceInput(path: path) } catch let e as TraceFormatError {
                throw fail("\(path):\(e.line > 0 ? "\(e.line):" : "") \(e.message)", .dataError)
            } catch {
                throw fail("\(path): \(error)", .noInput)
            }
        }
        if let progress { input = ProgressSource(input, meter: progress, path: path) }
        do {
            let (configs, images) = try devices.resolve(base: try replay.baseDevices(input))
            if configs.isEmpty { throw fail("\(path): no devices known: pass --board or --device", .usage) }
            let engine: ReplayEngine
            do { engine = try ReplayEngine(configs: configs, images: images) } catch { throw fail("\(error)", .usage) }
            return TraceSession(path: path, input: input, configs: configs, engine: engine)
        } catch {
            input.close()
            throw error
        }
    }

    /// Reads and replays one item; false at the end of the trace. `record` also sees each record.
    mutating func step(_ record: (TraceRecord, Int) -> Void = { _, _ in }) throws -> Bool {
        do {
            guard let item = try input.nextItem() else { return false }
            switch item {
            case .record(let r):
                try engine.consume(r, line: input.lineNumber)
                record(r, input.lineNumber)
            case .gap(let count, let from, let to):
                engine.gap(count: count, from: from, to: to, line: input.lineNumber)
            }
            return true
        } catch let e as TraceFormatError {
            throw fail("\(path):\(e.line): \(e.message)", .dataError)
        } catch let e as ReplayError {
            throw fail("\(path):\(e.line): \(e.message)", .dataError)
        } catch let e as ExitCode {
            throw e
        } catch {
            throw fail("\(path): \(error)", .noInput)
        }
    }

    func finish() -> ReplayReport {
        let report = engine.finish(trace: path, truncatedLine: input.truncatedLastLine ? input.lineNumber + 1 : nil)
        input.close()
        return report
    }
}
