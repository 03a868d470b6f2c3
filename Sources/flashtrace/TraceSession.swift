import ArgumentParser
import FlashAnalysis
import FlashEvents
import FlashLTTng
import FlashModel
import FlashTraceIO

// A trace opened the way `replay` opens it (any input form, devices from the trace or the
// device options), with an engine ready to run: `replay`, `diff` and `convert --to chrome-json`
// all open and read traces through it, so every command reads the same forms.

struct TraceSession {
    let path: String
    var input: any RecordSource
    let configs: [DeviceConfig]
    let engine: ReplayEngine

    static func open(_ path: String, devices: DeviceOptions, quiet: Bool, progress: ProgressMeter?) throws -> TraceSession {
        var replay = try Replay.parse(["--", path])
        replay.devices = devices
        replay.quiet = quiet
        return try open(replay, progress: progress)
    }

    /// Opens `replay.trace` with `replay`'s device options.
    static func open(_ replay: Replay, progress: ProgressMeter?) throws(ExitCode) -> TraceSession {
        let path = replay.trace
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
        do throws(ExitCode) {
            if let text = input as? TraceInput, text.form == .qemuLog, path != TraceInput.standardInput {
                try Replay.requirePflashEvents(path)
            }
            let (configs, images) = try replay.devices.resolve(base: try replay.baseDevices(input))
            if configs.isEmpty { throw fail("\(path): no devices known: pass --board or --device", .usage) }
            let engine: ReplayEngine
            do { engine = try ReplayEngine(configs: configs, images: images) } catch { throw fail("\(error)", .usage) }
            if let progress { input = ProgressSource(input, meter: progress, path: path) }
            return TraceSession(path: path, input: input, configs: configs, engine: engine)
        } catch {
            input.close()
            throw error
        }
    }

    /// Replays the rest of the trace; returns how many lines --keep-going skipped. The common
    /// inputs run on their concrete types: no existential dispatch or item wrapping per event.
    mutating func runToEnd(keepGoing: Bool) throws(ExitCode) -> Int {
        do {
            if keepGoing { return try Replay.feedKeepingGoing(&input, engine, trace: path) }
            if var concrete = input as? TraceInput {
                defer { input = concrete }
                try engine.consumeAll(&concrete)
            } else if var ctf = input as? CTFTraceReader {
                defer { input = ctf }
                try engine.consumeAll(&ctf)
            } else {
                try engine.consumeAll(&input)
            }
            return 0
        } catch let e as TraceFormatError {
            throw fail("\(path):\(e.line): \(e.message)", .dataError)
        } catch let e as ReplayError {
            throw fail("\(path):\(e.line): \(e.message)", .dataError)
        } catch {
            throw fail("\(path): \(error)", .noInput)
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
