import ArgumentParser
import FlashAnalysis
import FlashModel
import FlashReports
import Foundation
import FlashSession
import FlashTraceIO

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a trace between forms (QEMU log, LTTng CTF folder -> JSON lines; any -> QEMU log), or to Chrome trace events.",
        discussion: """
            --to chrome-json replays the trace (devices and images as for replay) and writes Chrome's trace-event JSON, which the Perfetto UI and chrome://tracing open: a track per device with command sequences, erases, buffered writes and programs as slices, findings as instant events and status polls as a counter; microseconds on the trace's clock.

            Examples:
              flashtrace convert boot.log -o boot.jsonl --board virt
              flashtrace convert run.jsonl --to qemu-log -o run.log
              flashtrace convert boot.log --to chrome-json -o boot.json --image virt.flash1=vars.fd
            """
    )

    @Argument(help: ArgumentHelp("The trace to convert.", valueName: "trace"))
    var trace: String

    @OptionGroup var devices: DeviceOptions

    @Option(name: .long, help: "Output form: json-lines, qemu-log or chrome-json (trace events for Perfetto; replays the trace).")
    var to: Target = .jsonLines

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file ('-' for standard output).", valueName: "file"))
    var output: String = "-"

    @Flag(name: .long, help: "Overwrite an existing output file.")
    var force = false

    @Flag(name: .shortAndLong, help: "No notes or progress on standard error.")
    var quiet = false

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case jsonLines = "json-lines"
        case qemuLog = "qemu-log"
        case chromeJSON = "chrome-json"
    }

    func run() throws {
        // Every form replay reads (JSON lines, QEMU log, CTF folder, "-"), devices resolved as replay does.
        var opened: OpenedTrace
        do { opened = try OpenedTrace.open(trace, devices: devices.request) } catch { throw fail(error) }
        defer { opened.input.close() }
        var source = ProgressSource(opened.input, meter: ProgressMeter(label: "convert", quiet: quiet, outputIsStdout: output == "-"), path: trace)
        let out = try OutputFile(path: output, force: force)
        let path = output == "-" ? nil : output
        do {
            let sink: any TraceSink
            switch to {
            case .jsonLines: sink = JSONLinesSink(JSONLinesWriter(fd: out.fd, path: path))
            case .qemuLog: sink = QemuLogSink(fd: out.fd, path: path)
            case .chromeJSON:
                var options = ReplayOptions()
                options.beyondRegionIsFinding = opened.beyondRegionIsFinding
                options.assumptions = opened.assumptions
                sink = try ChromeTraceSink(configs: opened.configs, images: opened.images, options: options, trace: trace) { bytes in
                    try out.writeAll(bytes)
                }
            }
            try sink.begin(TraceHeader.make(opened.configs, qemu: opened.qemu))
            while let item = try source.nextItem() {
                switch item {
                case .record(let r): try sink.write(r, line: source.lineNumber)
                case .gap(let count, let from, let to): try sink.gap(count: count, from: from, to: to, line: source.lineNumber)
                }
            }
            try sink.finish()
        } catch let e as TraceFormatError {
            out.discard()
            throw fail("\(trace):\(e.line): \(e.message)", .dataError)
        } catch let e as ReplayError {
            out.discard()
            throw fail("\(trace):\(e.line): \(e.message)", .dataError)
        } catch {
            out.discard()
            throw fail("\(error)", .ioError)
        }
        try out.commit()
    }
}
