import ArgumentParser

@main
struct Flashtrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flashtrace",
        abstract: "Post-mortem analysis of how firmware drives QEMU's parallel NOR flash (cfi.pflash01/02).",
        discussion: """
            record   drive the flash model (op scripts, built-in scenarios, a real QEMU boot) and write a trace
            replay   run a trace through the same state machine and report what the firmware did wrong
            convert  change a trace's form (JSON lines, QEMU log, LTTng CTF) or write Chrome trace events for Perfetto
            diff     compare two boots: blocks written and erased, findings, where the command streams part

            Quick start:
              flashtrace record                 # default scenario -> flashtrace.jsonl
              flashtrace replay flashtrace.jsonl
            """,
        subcommands: [Record.self, Replay.self, Convert.self, Diff.self],
        defaultSubcommand: nil
    )
}
