import ArgumentParser
import Foundation
import FlashAnalysis
import FlashEvents
import FlashLTTng
import FlashModel
import FlashReports
import FlashTraceIO

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a trace through the flash state machine and report what the firmware did wrong.",
        discussion: """
            TRACE is a flashtrace JSON-lines file or a QEMU log written with -trace 'pflash_*' -D FILE (with or without -msg timestamp=on), detected from its content. A JSON-lines trace carries its devices; for a QEMU log the board is inferred from the device names (virt.flash0/1 -> virt, system.flash0/1 -> q35 with sizes from --image files) or given with --board/--device. A directory is an LTTng (CTF) trace folder from `record --sink lttng|both` (any level above the stream files); its flashtrace:device_config events carry the devices. "-" reads standard input (a QEMU log read that way needs --board or --device).

            Exit status: 0 no finding at or above --fail-on, 1 there is one, 64 usage error, 65 malformed trace, 66 unreadable input, 69 libbabeltrace2 missing (CTF folders).

            Examples:
              flashtrace replay flashtrace.jsonl
              flashtrace replay boot.log --image virt.flash1=vars.fd
              flashtrace replay lttng-traces/demo
              flashtrace replay run.jsonl --backing-size virt.flash1=512K   # what would a smaller image lose?
              flashtrace replay run.jsonl --format json -o report.json --fail-on warning
              flashtrace replay a.jsonl b.log lttng-traces/c --jobs 2    # one table for all
              flashtrace record --repeat 1000 -o - | flashtrace replay -
            """
    )

    @Argument(help: ArgumentHelp("The trace(s) to replay; several are replayed in parallel (--jobs) and summed up in one table.", valueName: "trace"))
    var traces: [String] = []

    @Option(name: .long, help: "Traces replayed at once when several are given (default: the number of CPUs).")
    var jobs: Int?

    /// The trace this (single-trace) replay reads.
    var trace: String { traces[0] }

    @OptionGroup var devices: DeviceOptions

    @Option(name: .long, help: "Report format: text, json, html (one self-contained page with flash maps and a timeline) or sarif (SARIF 2.1.0, for code scanning).")
    var format: ReportFormat = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to a file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: .long, help: "Overwrite an existing report file.")
    var force = false

    @Option(name: .customLong("fail-on"), help: "Lowest severity that makes the exit status 1: error, warning or never.")
    var failOn: FailOn = .error

    @Flag(name: .shortAndLong, help: "No notes on standard error.")
    var quiet = false

    @Flag(name: .customLong("keep-going"), help: "Skip malformed event lines (each reported on standard error with its line) and report on the rest; the exit status is still 65 when a line was skipped.")
    var keepGoing = false

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, json, html, sarif }
    enum FailOn: String, ExpressibleByArgument, CaseIterable { case error, warning, never }

    func validate() throws {
        if traces.isEmpty { throw ValidationError("give the trace to replay") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if traces.count > 1 && (format == .html || format == .sarif) {
            throw ValidationError("--format \(format.rawValue) takes one trace; text and json take several")
        }
    }

    func run() throws {
        if traces.count > 1 { return try runMany() }
        var skipped = 0
        let (report, activity, lastLine) = try replayOne(collectActivity: format == .html, skipped: &skipped)
        let text: String
        switch format {
        case .text: text = report.text()
        case .json: text = report.json.serialized + "\n"
        case .html: text = HTMLReport(report: report, activity: activity!).render()
        case .sarif: text = SARIFReport(report: report, lastLine: lastLine).json.serialized + "\n"
        }
        if let output {
            try writeOutput(text, to: output, force: force)
        } else {
            print(text, terminator: "")
        }
        if skipped > 0 {
            throw fail("\(trace): \(skipped) malformed line\(skipped == 1 ? "" : "s") skipped (--keep-going); the report covers the rest", .dataError)
        }
        switch failOn {
        case .error where report.errors > 0: throw ExitCode.findings
        case .warning where report.errors + report.warnings > 0: throw ExitCode.findings
        default: break
        }
    }

    /// Replays `trace` (the first of `traces`): the report, the HTML page's activity when asked,
    /// and the last input line.
    func replayOne(collectActivity: Bool, progress: Bool = true) throws(ExitCode) -> (ReplayReport, ReplayActivity?, Int) {
        var skipped = 0
        return try replayOne(collectActivity: collectActivity, progress: progress, skipped: &skipped)
    }

    /// As above; `skipped` counts the lines --keep-going skipped.
    func replayOne(collectActivity: Bool, progress: Bool = true, skipped: inout Int) throws(ExitCode) -> (ReplayReport, ReplayActivity?, Int) {
        let meter = ProgressMeter(label: "replay", quiet: quiet || !progress)
        var session = try TraceSession.open(self, progress: meter.enabled ? meter : nil)
        // Only the HTML page needs per-block data and a timeline; other formats stay constant-memory.
        let activity = collectActivity ? ActivityCollector(configs: session.configs) : nil
        session.engine.observer = activity
        do {
            skipped = try session.runToEnd(keepGoing: keepGoing)
        } catch {
            session.input.close()
            throw error
        }
        let report = session.finish()
        if !quiet && session.input.skippedLines > 0 {
            warn("\(trace): skipped \(session.input.skippedLines) lines that are not pflash trace events")
        }
        return (report, activity?.result(), session.input.lineNumber)
    }

    /// Devices named by the trace itself: the JSON-lines header, or the board a QEMU log's
    /// device names point to.
    func baseDevices(_ input: any RecordSource) throws(ExitCode) -> [DeviceConfig] {
        if let header = input.header {
            do { return try header.configs() } catch { throw fail("\(trace):1: \(error)", .dataError) }
        }
        if devices.overridesDevices { return [] }
        if input is CTFTraceReader { throw noDevicesInCTF() }
        if trace == TraceInput.standardInput {
            // Inferring the board reads the log's first events ahead, which a pipe cannot give back.
            throw fail("standard input: a QEMU log read from a pipe needs its devices: pass --board or --device", .usage)
        }
        let names: [String]
        do { names = try TraceInput.deviceNames(inQemuLog: trace) } catch let e as TraceFormatError {
            throw fail("\(trace):\(e.line): \(e.message)", .dataError)
        } catch {
            throw fail("\(trace): \(error)", .noInput)
        }
        guard let board = Board.infer(fromDeviceNames: names) else {
            throw fail("\(trace): a QEMU log does not say the flash geometry and the device names (\(names.joined(separator: ", "))) match no known board: pass --board or --device", .usage)
        }
        if !quiet { warn("\(trace): QEMU log with devices \(names.joined(separator: ", ")): using the \(board.rawValue) board's geometry") }
        var images: [String: UInt64] = [:]
        for (name, path) in (try? DeviceOptions.pairs(devices.image, option: "image")) ?? [] {
            if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? UInt64 { images[name] = size }
        }
        return board.devices(imageSizes: images)  // all of the board's flash, whether or not the first lines name it
    }
}
