import ArgumentParser
import Foundation
import FlashAnalysis
import FlashEvents
import FlashLTTng
import FlashModel
import FlashReports
import FlashSession
import FlashTraceIO

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a trace through the flash state machine and report what the firmware did wrong.",
        discussion: """
            TRACE is a flashtrace JSON-lines file or a QEMU log written with -trace 'pflash_*' -D FILE (with or without -msg timestamp=on), detected from its content. A JSON-lines trace carries its devices. A QEMU log does not: the board comes from the device names (virt.flash0/1 -> virt, system.flash0/1 -> x86 pc/q35), and only the devices the log names are replayed; x86 sizes come from --image files (else the highest offset the log reaches); read-only or writable from what the log shows (a program that stored its data, an erase without error status), else the board's convention. The report lists every such assumption; --device NAME,readonly=off (or any property) amends one. A directory is an LTTng (CTF) trace folder from `record --sink lttng|both` (any level above the stream files); its flashtrace:device_config events carry the devices. "-" reads standard input (a QEMU log read that way needs --board or --device).

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

    @Option(name: .long, help: "Traces replayed at once when several are given (default: the number of CPUs). One trace is read on a second thread while it is replayed; --jobs 1 keeps it on one.")
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
        let (report, activity, lastLine) = try replayOne(collectActivity: format == .html, parallel: jobs != 1, skipped: &skipped)
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
    func replayOne(collectActivity: Bool, progress: Bool = true, parallel: Bool = true) throws(ExitCode) -> (ReplayReport, ReplayActivity?, Int) {
        var skipped = 0
        return try replayOne(collectActivity: collectActivity, progress: progress, parallel: parallel, skipped: &skipped)
    }

    /// As above; `skipped` counts the lines --keep-going skipped.
    func replayOne(collectActivity: Bool, progress: Bool = true, parallel: Bool = true, skipped: inout Int) throws(ExitCode) -> (ReplayReport, ReplayActivity?, Int) {
        try Self.replay(trace, devices: devices, quiet: quiet, keepGoing: keepGoing, collectActivity: collectActivity,
                        progress: progress, parallel: parallel, skipped: &skipped)
    }

    /// Opens and replays one trace (every command that replays starts here): the report, the
    /// HTML page's activity when asked, and the last input line. `parallel`: use a second
    /// thread (a log's evidence read in two halves, the trace parsed ahead of the replay; off
    /// when several replays already share the cores).
    static func replay(_ trace: String, devices: DeviceOptions, quiet: Bool, keepGoing: Bool = false, collectActivity: Bool = false,
                       progress: Bool = true, parallel: Bool = true, skipped: inout Int) throws(ExitCode) -> (ReplayReport, ReplayActivity?, Int) {
        let meter = ProgressMeter(label: "replay", quiet: quiet || !progress)
        var session = try TraceSession.open(trace, devices: devices, parallel: parallel, progress: meter.enabled ? meter : nil)
        if !quiet, let board = session.trace.inferredBoard {
            warn("\(trace): QEMU log with devices \(session.configs.map(\.name).joined(separator: ", ")): the \(board.rawValue) board's geometry, facts the log does not prove assumed (see the report)")
        }
        // Only the HTML page needs per-block data and a timeline; other formats stay constant-memory.
        let activity = collectActivity ? ActivityCollector(configs: session.configs) : nil
        session.engine.observer = activity
        do {
            if keepGoing {
                skipped = try Replay.feedKeepingGoing(&session.input, session.engine, trace: trace)
            } else {
                try session.runToEnd(readAhead: parallel)
            }
        } catch let e as SessionError {
            session.input.close()
            throw fail(e)
        } catch {
            session.input.close()
            throw fail(session.mapped(error))
        }
        let report = session.finish()
        if !quiet && session.input.skippedLines > 0 {
            warn("\(trace): skipped \(session.input.skippedLines) lines that are not pflash trace events")
        }
        return (report, activity?.result(), session.input.lineNumber)
    }
}

extension TraceSession {
    /// Opens a trace with the command line's device options, progress on a terminal.
    static func open(_ path: String, devices: DeviceOptions, parallel: Bool = true, progress: ProgressMeter?) throws(ExitCode) -> TraceSession {
        do {
            return try TraceSession.open(path, devices: devices.request, parallel: parallel,
                                         wrap: progress.map { meter in { ProgressSource($0, meter: meter, path: path) } })
        } catch {
            throw fail(error)
        }
    }
}
