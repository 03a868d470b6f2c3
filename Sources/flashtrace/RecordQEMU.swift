import ArgumentParser
import Foundation
import FlashModel
import FlashSession
import FlashTraceIO

// `flashtrace record -- qemu-system-… …`: run a real QEMU with pflash tracing added, then turn its
// log into a self-contained JSON-lines trace whose header describes the machine's flash devices
// (geometry from the board, image path/size/read-only from the -drive/-blockdev options).

/// The child QEMU (or its wrapper), for the signal handlers.
nonisolated(unsafe) private var childPID: pid_t = 0

extension Record {
    func recordQEMU() throws {
        let qemu: QEMUCommand
        do { qemu = try QEMUCommand(command) } catch { throw fail("\(error)", .usage) }
        let configs = try qemuDevices(qemu)
        // The binary's own version, so replay follows the QEMU that made the trace.
        let version: QEMUVersion
        if let given = devices.qemu { version = given } else { version = try binaryVersion(qemu) }

        let out = try OutputFile(path: output, force: force)
        let log = qemu.userLog ?? ((output == "-" ? FileManager.default.temporaryDirectory.path : (output as NSString).deletingLastPathComponent.isEmpty ? "." : (output as NSString).deletingLastPathComponent) + "/.flashtrace-qemu-\(getpid()).log")
        if qemu.userLog == nil { unlink(log) }
        let argv = qemu.traced(log: log)
        if !quiet { warnInfo("flashtrace: running \(argv.joined(separator: " "))") }

        let status = try runChild(argv)
        defer { if qemu.userLog == nil { unlink(log) } }

        var input: QemuLogReader
        do { input = try QemuLogReader(path: log) } catch {
            out.discard()
            throw fail("QEMU wrote no trace log (\(log)): \(error); exit status \(status)", .noInput)
        }
        let writer = JSONLinesWriter(fd: out.fd, path: output == "-" ? nil : output)
        var count: UInt64 = 0
        do {
            try writer.writeHeader(TraceHeader.make(configs, qemu: version))
            while var r = try input.next() {
                r.seq = count
                try writer.write(r)
                count += 1
            }
            try writer.flush()
        } catch {
            out.discard()
            throw fail("\(log): \(error)", .dataError)
        }
        try? input.close()
        try out.commit()
        if !quiet {
            warnInfo("flashtrace: recorded \(count) events of \(configs.map(\.name).joined(separator: ", ")) to \(output == "-" ? "standard output" : output); QEMU exit status \(status)")
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Flash devices of the machine (FlashSession reads them off the command line); with
    /// --keep-images the trace points at copies of the initial images.
    private func qemuDevices(_ qemu: QEMUCommand) throws(ExitCode) -> [DeviceConfig] {
        var configs: [DeviceConfig]
        do { configs = try qemu.flashDevices() } catch { throw fail(error) }
        if let keep = keepImages {
            for i in configs.indices {
                guard let file = configs[i].image else { continue }
                let copy = (keep as NSString).appendingPathComponent("\(configs[i].name).initial.img")
                do {
                    try FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
                    if FileManager.default.fileExists(atPath: copy) { try FileManager.default.removeItem(atPath: copy) }
                    try FileManager.default.copyItem(atPath: file, toPath: copy)
                } catch { throw fail("--keep-images: cannot copy \(file) to \(copy): \(error)", .cantCreate) }
                configs[i].image = copy
            }
        }
        if configs.isEmpty && !devices.overridesDevices {
            throw fail("cannot tell the flash devices of machine \(qemu.machine ?? "(default)"): pass --board or --device", .usage)
        }
        return try devices.resolve(base: configs).configs  // --board/--device (whole or amending), --image
    }

    /// `qemu-system-… --version` ("QEMU emulator version 10.0.2 (Debian …)"), with the command's
    /// own -L so a QEMU from a private prefix finds its data.
    private func binaryVersion(_ qemu: QEMUCommand) throws(ExitCode) -> QEMUVersion {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [qemu.argv[qemu.qemuIndex], "--version"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { throw fail("cannot run \(qemu.argv[qemu.qemuIndex]) --version: \(error)", .noInput) }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard let range = text.range(of: "version "),
              let v = QEMUVersion(text[range.upperBound...].prefix { !$0.isWhitespace }) else {
            throw fail("\(qemu.argv[qemu.qemuIndex]) --version printed no version (\(text.prefix(80))): pass --qemu VERSION", .usage)
        }
        do { _ = try v.requireEra() } catch { throw fail("\(qemu.argv[qemu.qemuIndex]): \(error)", .usage) }
        return v
    }

    /// Runs argv (PATH lookup), forwarding SIGINT/SIGTERM and enforcing --timeout. Returns the
    /// child's exit status (128+signal when killed).
    private func runChild(_ argv: [String]) throws(ExitCode) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { if childPID > 0 { kill(childPID, sig) } }
            s.resume()
            return s
        }
        do { try p.run() } catch { throw fail("cannot run \(argv[0]): \(error)", .noInput) }
        childPID = p.processIdentifier
        if let timeout {
            let pid = p.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(timeout * 1000))) {
                guard kill(pid, 0) == 0 else { return }
                warnInfo("flashtrace: --timeout \(timeout) s reached, stopping QEMU")
                kill(pid, SIGTERM)
                DispatchQueue.global().asyncAfter(deadline: .now() + 10) { kill(pid, SIGKILL) }
            }
        }
        p.waitUntilExit()
        childPID = 0
        sources.forEach { $0.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        return p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
    }
}
