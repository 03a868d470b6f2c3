import ArgumentParser

@main
struct Flashtrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flashtrace",
        abstract: "Post-mortem analysis of how firmware drives QEMU's parallel NOR flash (cfi.pflash01/02).",
        // Indented: in the man page a line that starts with a space keeps its own line (unindented
        // lines are filled into one paragraph).
        discussion: """
              record   drive the model (scripts, scenarios, a real QEMU boot) into a trace
              replay   run a trace through the state machine, report what went wrong
              vars     what the firmware did to its UEFI variables (history, reclaims, cost)
              convert  change a trace's form, or write Chrome trace events (Perfetto)
              diff     compare two boots: blocks written and erased, findings

            Quick start:
              flashtrace record                 # default scenario -> flashtrace.jsonl
              flashtrace replay flashtrace.jsonl
            """,
        version: FlashtraceVersion.release,
        subcommands: [Record.self, Replay.self, Vars.self, Convert.self, Diff.self],
        defaultSubcommand: nil
    )
}
