import ArgumentParser
import FlashAnalysis
import FlashReports
import FlashSession
import FlashTraceIO

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two boots: per-block writes and erases, findings, where the command streams part, the smallest safe image.",
        discussion: """
            A and B are traces in any form replay reads (JSON lines, QEMU logs, LTTng folders), each replayed as replay would. The text output is empty when the boots do not differ. Device options apply to both; --image-a/--image-b give one side its own initial image (a second boot starts from the variable store the first one left).

            Exit status: 0 B has no new finding at or above --fail-on (error by default), 1 it has, 64 usage error, 65 malformed trace, 66 unreadable input.

            Examples:
              flashtrace diff first.jsonl second.jsonl
              flashtrace diff boot1.log boot2.log --image-a virt.flash1=vars-template.fd --image-b virt.flash1=vars-after-boot1.fd
              flashtrace diff base.jsonl candidate.jsonl --format json -o diff.json --fail-on warning
            """
    )

    @Argument(help: ArgumentHelp("The first boot's trace.", valueName: "a"))
    var a: String

    @Argument(help: ArgumentHelp("The second boot's trace.", valueName: "b"))
    var b: String

    @OptionGroup var devices: DeviceOptions

    @Option(name: .customLong("image-a"), help: ArgumentHelp("Initial contents of a device for A only (wins over --image).", valueName: "name=path"))
    var imageA: [String] = []

    @Option(name: .customLong("image-b"), help: ArgumentHelp("Initial contents of a device for B only (wins over --image).", valueName: "name=path"))
    var imageB: [String] = []

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the diff to a file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: .long, help: "Overwrite an existing output file.")
    var force = false

    @Option(name: .customLong("fail-on"), help: "Lowest severity of a finding new in B that makes the exit status 1: error, warning or never.")
    var failOn: Replay.FailOn = .error

    @Flag(name: .shortAndLong, help: "No notes or progress on standard error.")
    var quiet = false

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    func run() throws {
        let progress = ProgressMeter(label: "diff", quiet: quiet, outputIsStdout: output == nil)
        var sides = [try open(a, extra: imageA, progress: progress), try open(b, extra: imageB, progress: progress)]
        let collectors = sides.map { ActivityCollector(configs: $0.configs) }
        for (s, c) in zip(sides, collectors) { s.engine.observer = c }
        let streams = CommandStreamComparer()
        // Lockstep: read the side that has seen fewer writes, so matching writes meet early and
        // the comparer's queues stay short.
        var done = [false, false]
        while !(done[0] && done[1]) {
            let side = done[0] ? 1 : done[1] ? 0 : streams.writes[0] <= streams.writes[1] ? 0 : 1
            if try !sides[side].step({ record, line in streams.add(side: side, record: record, line: line) }) {
                done[side] = true
            }
        }
        let reports = sides.map { $0.finish() }
        let diff = BootDiff(a: BootSide(trace: a, report: reports[0], activity: collectors[0].result()),
                            b: BootSide(trace: b, report: reports[1], activity: collectors[1].result()),
                            streams: streams.finish())
        let text = format == .json ? diff.json.serialized + "\n" : diff.text()
        if let output {
            try writeOutput(text, to: output, force: force)
        } else {
            print(text, terminator: "")
        }
        switch failOn {
        case .error where diff.new(.error) > 0: throw ExitCode.findings
        case .warning where diff.new(.error) + diff.new(.warning) > 0: throw ExitCode.findings
        default: break
        }
    }

    private func open(_ path: String, extra: [String], progress: ProgressMeter) throws -> TraceSession {
        var options = devices
        // Later --image values win in DeviceOptions.resolve, so the side's own go last.
        options.image += extra
        return try TraceSession.open(path, devices: options, progress: progress)
    }
}
