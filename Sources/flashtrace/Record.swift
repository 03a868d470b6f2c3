import ArgumentParser
import Foundation
import FlashEvents
import FlashLTTng
import FlashModel
import FlashSession
import FlashTraceIO

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drive the flash model and write a JSON-lines trace.",
        discussion: """
            Input is an op script (--ops, QEMU qtest words: writeb|w|l|q ADDR VALUE, readb|w|l|q ADDR, clock_step [NS], system_reset) or a built-in scenario (--scenario); with neither, the default scenario (\(Scenario.defaultName)) runs. Devices come from --board/--device, or from the script's own "# device:" lines. The model behaves as QEMU \(QEMUVersion.newest) (\(QEMUVersion.newest.era!.summary)) unless --qemu names another; the trace's header records which.

            Examples:
              flashtrace record                                   # default scenario -> flashtrace.jsonl
              flashtrace record --scenario cfi02-program-erase -o cfi02.jsonl
              flashtrace record --board virt --image virt.flash1=vars.fd --ops boot.ops -o boot.jsonl
              flashtrace record --ops steps.ops --repeat 1000 -o big.jsonl --force
              flashtrace record --qemu 7.2.22 -o debian12.jsonl        # as Debian 12's QEMU behaves
              flashtrace record --list-scenarios
              flashtrace record --sink both --lttng-session demo  # also LTTng -> lttng-traces/demo
              flashtrace record -o boot.jsonl --keep-images imgs --timeout 300 -- \\
                  qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512 \\
                  -drive if=pflash,format=raw,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd \\
                  -drive if=pflash,format=raw,file=vars.fd -display none -serial stdio

            With a QEMU command after --, QEMU runs with -trace 'pflash_*' added (your own -trace/-D options keep working), and when it exits (or on Ctrl-C or --timeout) its pflash events are written as a JSON-lines trace whose header holds each flash device's geometry, image path, SHA-256 and read-only flag, and the QEMU's version (asked of the binary). QEMU's exit status is passed through.
            """
    )

    @OptionGroup var devices: DeviceOptions

    @Option(name: .long, help: ArgumentHelp("Op script to run ('-' for standard input).", valueName: "file"))
    var ops: String?

    @Option(name: .long, help: ArgumentHelp("Built-in scenario to run (see --list-scenarios).", valueName: "name"))
    var scenario: String?

    @Option(name: .long, help: "Run the script this many times (large traces).")
    var `repeat`: Int = 1

    @Option(name: .shortAndLong, help: ArgumentHelp("Trace file to write ('-' for standard output).", valueName: "file"))
    var output: String = "flashtrace.jsonl"

    @Option(name: .long, help: "Where events go: json (the -o file), lttng (LTTng-UST tracepoints flashtrace:*, see docs/lttng.md) or both.")
    var sink: SinkChoice = .json

    @Option(name: .customLong("lttng-session"), help: ArgumentHelp("With --sink lttng|both: create this LTTng session (and a session daemon if none runs), record into it, then stop and destroy it.", valueName: "name"))
    var lttngSession: String?

    @Option(name: .customLong("lttng-output"), help: ArgumentHelp("With --lttng-session: the trace folder (default lttng-traces/NAME).", valueName: "dir"))
    var lttngOutput: String?

    @Flag(name: .long, help: "Overwrite an existing output file.")
    var force = false

    @Flag(name: .long, help: "fsync the trace after every written batch (64 KiB), so a crash of the machine loses at most the batch being written.")
    var sync = false

    @Option(name: .customLong("save-image"), help: ArgumentHelp("Write a device's final contents (its backing extent) to a file.", valueName: "name=path"))
    var saveImage: [String] = []

    @Flag(name: .customLong("list-scenarios"), help: "List the built-in scenarios and exit.")
    var listScenarios = false

    @Flag(name: .shortAndLong, help: "No summary on standard error.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("With a QEMU command: stop QEMU after this many seconds (the trace is still written).", valueName: "seconds"))
    var timeout: Double?

    @Option(name: .customLong("keep-images"), help: ArgumentHelp("With a QEMU command: copy the initial flash images into this folder, so the trace replays with exact data.", valueName: "dir"))
    var keepImages: String?

    @Argument(parsing: .postTerminator, help: ArgumentHelp("A QEMU command to run with pflash tracing (after --).", valueName: "qemu-command"))
    var command: [String] = []

    func run() throws {
        if listScenarios {
            for s in Scenario.all {
                print("\(s.name)\(s.name == Scenario.defaultName ? " (default)" : "")\n    \(s.summary)")
            }
            return
        }
        if !command.isEmpty {
            if ops != nil || scenario != nil { throw fail("give either a QEMU command or --ops/--scenario, not both", .usage) }
            if sink != .json { throw fail("--sink \(sink.rawValue) records the model's runs (op scripts, scenarios), not a QEMU command", .usage) }
            return try recordQEMU()
        }
        guard `repeat` >= 1 else { throw fail("--repeat must be at least 1", .usage) }
        if ops != nil && scenario != nil { throw fail("give either --ops or --scenario, not both", .usage) }
        let script = try loadScript()
        var base: [DeviceConfig] = []
        for spec in script.deviceSpecs {
            do { base.append(try DeviceSpec.parse(spec)) } catch {
                throw fail("\(script.name): # device: \(error)", .dataError)
            }
        }
        if base.isEmpty && !devices.overridesDevices {
            throw fail("\(script.name) names no devices (no \"# device:\" lines): pass --board or --device", .usage)
        }
        let qemu = devices.qemu ?? .newest
        var (configs, images) = try devices.resolve(base: base)
        for i in configs.indices { configs[i].era = qemu.era! }  // --qemu accepts only versions with an era
        let saves: [(String, String)]
        do { saves = try DeviceRequest.pairs(saveImage, option: "save-image") } catch { throw fail(error) }
        for (name, _) in saves where !configs.contains(where: { $0.name == name }) {
            throw fail("--save-image \(name)=…: no device named \(name)", .usage)
        }
        let models: [FlashDevice]
        do { models = try configs.map { try makeDevice($0, initial: images[$0.name]) } } catch {
            throw fail("\(error)", .usage)
        }
        let runner = OpScriptRunner(bus: FlashBus(devices: models))

        // The trace is written in place and ends with an end line (JSONLinesEnd.swift): killed
        // (SIGKILL) it keeps every complete line and replays as truncated; SIGINT/SIGTERM stop
        // between operations and end it cleanly, marked as interrupted.
        StopSignals.install()
        var header = TraceHeader.make(configs, qemu: qemu)
        header.promisesEndLine = true
        let out = sink.writesJSON ? try OutputFile(path: output, force: force, inPlace: true, sync: sync) : nil
        let writer = out.map { JSONLinesWriter(fd: $0.fd, path: output == "-" ? nil : output, sync: sync) }
        let lttng: LTTngRecording?
        do { lttng = try startLTTng(header) } catch { out?.discard(); throw error }
        // The outputs asked for, each a TraceSink; the JSON-lines writer also ends the file.
        let sinks: [any TraceSink] = [writer.map { JSONLinesSink($0) as any TraceSink }, lttng.map { $0.sink as any TraceSink }].compactMap { $0 }
        let emit: (TraceRecord) throws -> Void = { record in
            for sink in sinks { try sink.write(record, line: 0) }
        }
        let stoppedBy: Int32?
        do {
            for sink in sinks { try sink.begin(header) }
            try runner.start(sink: emit)
            stoppedBy = try runUntilStopped(runner, script, writer, emit)
            try writer?.writeEnd(interrupted: stoppedBy.map(StopSignals.name))
            for sink in sinks { try sink.finish() }
        } catch let e as RunError {
            out?.discard()
            lttng?.abandon()
            throw fail("\(e)", .dataError)
        } catch {
            out?.discard()
            lttng?.abandon()
            throw fail("cannot write \(output == "-" ? "standard output" : output): \(error)", .ioError)
        }
        try out?.commit()
        try lttng?.finish()
        if let sig = stoppedBy {
            warnInfo("flashtrace: \(StopSignals.name(sig)): stopped after \(runner.seq) events; the trace ends with an end line marked interrupted")
            throw ExitCode(128 + sig)
        }
        for (name, path) in saves {
            let device = models.first { $0.config.name == name }!
            try writeOutput(device.storage.bytes, to: path, force: force)
        }
        if !quiet {
            let file = output == "-" ? "standard output" : output
            let where_ = sink == .json ? file : sink == .lttng ? "LTTng" : "\(file) and LTTng"
            warnInfo("recorded \(runner.seq) events from \(script.ops.count * `repeat`) ops on \(configs.map(\.name).joined(separator: ", ")) to \(where_)")
        }
    }

    /// Runs the script `repeat` times and returns the signal that stopped it early, if one did.
    /// Stops and flushes happen only between operations: an interrupted or killed recording never
    /// ends inside one (replay would take its missing events for a divergence).
    private func runUntilStopped(_ runner: OpScriptRunner, _ script: OpScript, _ writer: JSONLinesWriter?,
                                 _ emit: (TraceRecord) throws -> Void) throws -> Int32? {
        let ops = script.ops, file = script.name
        for _ in 0..<`repeat` {
            for (i, op) in ops.enumerated() {
                if i % 256 == 0, let sig = StopSignals.requested { return sig }
                try runner.run(op, file: file, sink: emit)
                try writer?.flushAtBoundary()
            }
        }
        return nil
    }

    private func loadScript() throws(ExitCode) -> OpScript {
        let text: String
        let name: String
        if let ops {
            name = ops == "-" ? "<stdin>" : ops
            if ops == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                // A FileHandle reads pipes and devices too (`--ops <(generator)`, /dev/stdin),
                // which FileManager.contents(atPath:) refuses.
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: ops, isDirectory: &isDirectory), isDirectory.boolValue {
                    throw fail("\(ops) is a directory, expected an op script (one qtest-style operation a line)", .noInput)
                }
                guard let handle = FileHandle(forReadingAtPath: ops) else {
                    throw fail("cannot read op script \(ops): \(String(cString: strerror(errno)))", .noInput)
                }
                defer { try? handle.close() }
                let data: Data
                do { data = try handle.readToEnd() ?? Data() } catch {
                    throw fail("cannot read op script \(ops): \(error.localizedDescription)", .noInput)
                }
                guard let s = String(data: data, encoding: .utf8) else { throw fail("\(ops): not UTF-8 text", .dataError) }
                text = s
            }
        } else {
            let chosen = scenario ?? Scenario.defaultName
            guard let s = Scenario.named(chosen) else {
                throw fail("no scenario named \(chosen); built-in: \(Scenario.all.map(\.name).joined(separator: ", "))", .usage)
            }
            text = s.text
            name = "scenario \(s.name)"
        }
        do { return try OpScript(text: text, name: name) } catch { throw fail("\(error)", .dataError) }
    }
}

func warnInfo(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
