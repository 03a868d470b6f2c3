import ArgumentParser
import FlashAnalysis
import FlashTraceIO

/// `flashtrace vars`: the UEFI variable-store view of a replay on its own.
struct Vars: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What the firmware did to its UEFI variables: per-variable history, reclaims, cost, loss windows.",
        discussion: """
            Replays TRACE (any form replay reads) over the initial images and follows every EDK2 variable store on its devices: firmware volumes with the variable-store GUID, found in the image or formatted by the trace. Each variable's history (initial, add, update, delete: seq, line, size, data), rewrites of the store (reclaims, in-place block rewrites), the bytes programmed and erased for it, and the store's fill at the start and the end with how many more such boots fit before a reclaim. Without --image for the vars device, only what the trace wrote is known (the view says it is partial).

            Exit status: 0 done (also when the trace holds no variable store: the view says so), 64 usage error, 65 malformed trace, 66 unreadable input.

            Examples:
              flashtrace vars boot.log --image virt.flash1=vars.fd
              flashtrace vars ovmf.log --image system.flash1=OVMF_VARS_4M.fd --format json -o vars.json
              flashtrace vars run.jsonl
            """
    )

    @Argument(help: ArgumentHelp("The trace: JSON lines, a QEMU log, a CTF folder, or - (standard input).", valueName: "trace"))
    var trace: String

    @OptionGroup var devices: DeviceOptions

    @Option(name: .long, help: "Output format: text, or json (an object whose variable-stores key is the replay report's).")
    var format: Format = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the view to a file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: .long, help: "Overwrite an existing output file.")
    var force = false

    @Flag(name: .shortAndLong, help: "No notes on standard error.")
    var quiet = false

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    func run() throws {
        var skipped = 0
        let (report, _, _) = try Replay.replay(trace, devices: devices, quiet: quiet, skipped: &skipped)
        let text: String
        switch format {
        case .json:
            text = JSONValue.object([("trace", .string(trace)), ("variable-stores", report.variablesJSON)]).serialized + "\n"
        case .text:
            text = Self.text(report)
        }
        if let output {
            try writeOutput(text, to: output, force: force)
        } else {
            print(text, terminator: "")
        }
    }

    static func text(_ report: ReplayReport) -> String {
        var out = "flashtrace vars: \(report.trace): \(report.events) events\n"
        guard !report.variableStores.isEmpty else {
            return out + "no UEFI variable store on \(report.devices.map(\.name).joined(separator: ", ")) (none in the initial images, none formatted by the trace)\n"
        }
        out += report.variablesText(maxRows: nil)
        let rules: [Rule] = [.variableLossWindow, .writeOutsideVariableStore]
        let findings = report.findings.filter { rules.contains($0.rule) }
        if !findings.isEmpty {
            out += "\nFindings\n"
            for f in findings {
                out += "  \(f.severity.rawValue) \(f.rule.rawValue) \(f.device) seq \(f.seq.map(String.init) ?? "-") line \(f.line.map(String.init) ?? "-"): \(f.message)\n"
            }
            let shown = findings.count, total = rules.map(report.count).reduce(0, +)
            if total > shown { out += "  … \(total - shown) more\n" }
        }
        if report.divergences > 0 {
            out += "\nnote: replay diverged \(report.divergences) times from the trace; `flashtrace replay` says where (the view may be wrong after a divergence)\n"
        }
        return out
    }
}
