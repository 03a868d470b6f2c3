import FlashAnalysis
import FlashEvents
import FlashLTTng
import FlashModel
import FlashTraceIO
import Foundation

// The one way a trace is opened: any form (JSON lines, QEMU log, LTTng CTF folder, "-" for
// standard input), its devices resolved (header, or inferred from a QEMU log's evidence; then
// --board/--device/--image/--backing-size), and, for replay, an engine ready to run. replay,
// convert, diff and the HTML/Chrome outputs all start here.

/// A trace with its devices, not yet replayed.
public struct OpenedTrace {
    public let path: String
    public var input: any RecordSource
    public let configs: [DeviceConfig]
    public let images: [String: [UInt8]]
    /// Facts inferred rather than declared (QEMU logs), with their evidence.
    public let assumptions: [DeviceAssumption]
    /// Devices whose region the user gave, or that a log's inference gave: accesses beyond them
    /// are findings. Every other device's region is the trace's declaration.
    public let beyondRegionIsFinding: Set<String>
    /// The board a QEMU log's device names pointed to, when the devices were inferred.
    public let inferredBoard: Board?
    /// The QEMU whose behaviour replay follows (--qemu, the header's, or what a log's buffered
    /// writes show), and so the model's era for every device.
    public let qemu: QEMUVersion

    /// Opens `path` and resolves its devices. Nothing is read past the header, except that a QEMU
    /// log file is read once ahead for its evidence (a log from a pipe needs --board or --device),
    /// in two halves on two threads when `parallel` and the machine has a core to spare.
    public static func open(_ path: String, devices: DeviceRequest, parallel: Bool = true) throws(SessionError) -> OpenedTrace {
        let input = try openInput(path)
        do throws(SessionError) {
            var base: [DeviceConfig] = []
            var assumptions: [DeviceAssumption] = []
            var inferredBoard: Board?
            var isLog = false
            var qemu = devices.qemu ?? .debian12
            if let header = input.header {
                do { base = try header.configs() } catch { throw SessionError(.malformed, "\(path):1: \(error)") }
                if devices.qemu == nil {
                    do { qemu = try header.qemuVersion() } catch { throw SessionError(.malformed, "\(path):1: \(error)") }
                }
            } else if input is CTFTraceReader {
                if !devices.replacesDevices {
                    throw SessionError(.usage, "\(path): the LTTng trace has no flashtrace:device_config events (was the session started after flashtrace?): pass --board or --device")
                }
            } else {
                isLog = true
                let log = try logFacts(path, devices: devices, parallel: parallel && ReadAheadSource<TraceInput>.worthwhile)
                if let q = log.qemu { qemu = q }
                base = log.base
                assumptions = log.assumptions
                inferredBoard = log.board
            }
            var resolved = try devices.resolve(base: base, imageSetsBacking: !isLog)
            let era: PflashEra
            do { era = try qemu.requireEra() } catch { throw SessionError(.usage, "\(path): \(error)") }
            for i in resolved.configs.indices { resolved.configs[i].era = era }
            if resolved.configs.isEmpty { throw SessionError(.usage, "\(path): no devices known: pass --board or --device") }
            // A QEMU log declares no region: the one replay uses is inferred or given, so an
            // access beyond it is a finding. In a trace with a header it is malformed input.
            let finding = isLog ? Set(resolved.configs.map(\.name)) : resolved.userGeometry
            // An amended fact is no longer assumed.
            let amended = resolved.userGeometry
            return OpenedTrace(path: path, input: input, configs: resolved.configs, images: resolved.images,
                               assumptions: assumptions.filter { !amended.contains($0.device) || !devices.amends($0) },
                               beyondRegionIsFinding: finding, inferredBoard: inferredBoard, qemu: qemu)
        } catch {
            input.close()
            throw error
        }
    }

    /// What a QEMU log gives before replay: its QEMU version and, unless the user gave the
    /// devices, the devices inferred from its evidence, each with the assumptions made.
    private static func logFacts(_ path: String, devices: DeviceRequest, parallel: Bool) throws(SessionError)
        -> (qemu: QEMUVersion?, base: [DeviceConfig], assumptions: [DeviceAssumption], board: Board?) {
        if path == TraceInput.standardInput {
            if !devices.replacesDevices {
                // Inferring devices reads the whole log ahead, which a pipe cannot give back.
                throw SessionError(.usage, "standard input: a QEMU log read from a pipe needs its devices: pass --board or --device")
            }
            let fact = devices.qemu == nil
                ? [DeviceAssumption(device: "", fact: "qemu=\(QEMUVersion.debian12)",
                                    basis: "a QEMU log from a pipe cannot be read ahead for its buffered writes", fix: "--qemu VERSION")]
                : []
            return (nil, [], fact, nil)
        }
        // The evidence costs a second parse of the log: only when devices or the QEMU version
        // are inferred (otherwise one event shows it is a pflash log at all).
        let inferNothing = devices.replacesDevices && devices.qemu != nil
        let evidence: LogEvidence
        do { evidence = try LogEvidence.scan(path: path, limit: inferNothing ? 1 : nil, parallel: parallel) } catch let e as TraceFormatError {
            throw SessionError(.malformed, "\(path):\(e.line): \(e.message)")
        } catch {
            throw SessionError(.unreadable, "\(path): \(error)")
        }
        if evidence.devices.isEmpty { throw SessionError(.malformed, "\(path):1: \(notATrace(path))") }
        let (version, fact) = version(given: devices.qemu, evidence: evidence)
        guard !devices.replacesDevices else { return (version, [], [fact], nil) }
        let inferred = try DeviceInference.infer(evidence, imageSizes: try devices.imageSizes(), trace: path)
        return (version, inferred.configs, inferred.assumptions + [fact], inferred.board)
    }

    /// The QEMU a log is replayed as: --qemu when given (said to contradict the log where its
    /// buffered writes show another era), else what they show, else Debian 12's 7.2.22. The fact
    /// is trace-wide (device ""), so every divergence names it.
    static func version(given: QEMUVersion?, evidence: LogEvidence) -> (QEMUVersion, DeviceAssumption) {
        let shown = evidence.era
        if let given {
            if let (era, line) = shown, era != given.era {
                return (given, DeviceAssumption(device: "", fact: "qemu=\(given)",
                    basis: "given by --qemu, but line \(line) \(era.evidence), as \(era.example) and the other QEMUs of its era do (\(era.summary))",
                    fix: "--qemu \(era.example)"))
            }
            return (given, DeviceAssumption(device: "", fact: "qemu=\(given)", basis: "given by --qemu"))
        }
        guard let (era, line) = shown else {
            let mixed = [evidence.directWriteLine, evidence.bufferAtCountLine, evidence.bufferAtDataLine].compactMap { $0 }.count > 1
            let why = mixed
                ? "the log's buffered writes show more than one QEMU era, which no one QEMU does: assumed Debian 12's"
                : "no buffered write in the log, and every QEMU era behaves the same here: assumed Debian 12's"
            return (.debian12, DeviceAssumption(device: "", fact: "qemu=\(QEMUVersion.debian12)", basis: why,
                                                fix: mixed ? "--qemu VERSION" : nil))
        }
        let other: PflashEra = era == .bufferAtCount ? .bufferAtFirstData : .bufferAtCount
        return (era.example, DeviceAssumption(
            device: "", fact: "qemu=\(era.example)",
            basis: "line \(line) \(era.evidence): \(era.summary)",
            fix: "--qemu \(other.example)"))
    }

    /// The reader for any form: a directory is an LTTng CTF folder.
    static func openInput(_ path: String) throws(SessionError) -> any RecordSource {
        var isDirectory: ObjCBool = false
        if path != TraceInput.standardInput, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            do { return try CTFTraceReader(path: path) } catch let e as CTFReadError {
                throw SessionError(e.unavailable ? .unavailable : .malformed, "\(path): \(e.message)")
            } catch let e as TraceFormatError {
                throw SessionError(.malformed, "\(path):\(e.line > 0 ? "\(e.line):" : "") \(e.message)")
            } catch {
                throw SessionError(.unreadable, "\(path): \(error)")
            }
        }
        do { return try TraceInput(path: path) } catch let e as TraceFormatError {
            throw SessionError(.malformed, "\(path):\(e.line > 0 ? "\(e.line):" : "") \(e.message)")
        } catch {
            throw SessionError(.unreadable, "\(path): \(error)")
        }
    }

    /// What the start of a non-trace looks like, and what was expected instead.
    static func notATrace(_ path: String) -> String {
        let expected = "expected a flashtrace JSON-lines trace (header line {\"format\":\"flashtrace\",…}) or a QEMU log with pflash_* events"
        let head = [UInt8]((FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 4096) }) ?? Data())
        if head.isEmpty { return "empty file: \(expected)" }
        if let i = head.firstIndex(of: 0) ?? (String(validating: head, as: UTF8.self) == nil && head.count < 4096 ? 0 : nil) {
            return "binary data (byte 0x\(String(head[i], radix: 16)) at offset \(i)), not text: \(expected)"
        }
        return "no pflash_* trace event in this text: \(expected)"
    }
}

extension DeviceRequest {
    /// Whether an amendment states the fact an assumption is about (its key).
    func amends(_ a: DeviceAssumption) -> Bool {
        let key = a.fact.split(separator: "=").first.map(String.init) ?? a.fact
        return specs.contains { spec in
            guard let m = try? DeviceSpec.amendment(spec), m.name == a.device else { return false }
            return m.properties.contains { $0.0 == key || (key == "size" && ($0.0 == "num-blocks" || $0.0 == "sector-length")) }
        }
    }
}

/// A trace opened for replay: the devices and an engine over them.
public struct TraceSession {
    public var trace: OpenedTrace
    public let engine: ReplayEngine
    public var path: String { trace.path }
    public var configs: [DeviceConfig] { trace.configs }
    public var input: any RecordSource {
        get { trace.input }
        set { trace.input = newValue }
    }

    /// `wrap` may put the input behind a progress meter. `parallel`: as OpenedTrace.open (off
    /// for callers that already run one replay per core).
    public static func open(_ path: String, devices: DeviceRequest, options: ReplayOptions = ReplayOptions(),
                            parallel: Bool = true,
                            wrap: ((any RecordSource) -> any RecordSource)? = nil) throws(SessionError) -> TraceSession {
        var trace = try OpenedTrace.open(path, devices: devices, parallel: parallel)
        var options = options
        options.beyondRegionIsFinding = trace.beyondRegionIsFinding
        options.assumptions = trace.assumptions
        let engine: ReplayEngine
        do { engine = try ReplayEngine(configs: trace.configs, images: trace.images, options: options) } catch {
            trace.input.close()
            throw SessionError(.usage, "\(error)")
        }
        if let wrap { trace.input = wrap(trace.input) }
        return TraceSession(trace: trace, engine: engine)
    }

    /// Replays the rest of the trace. The common inputs run on their concrete types: no
    /// existential dispatch or item wrapping per event. `readAhead`: parse on a second thread
    /// (ReadAheadSource) when the machine has one to spare; off for callers that already run
    /// one replay per core.
    public mutating func runToEnd(readAhead: Bool = true) throws(SessionError) {
        let ahead = readAhead && ReadAheadSource<TraceInput>.worthwhile
        do {
            if var concrete = trace.input as? TraceInput {
                defer { trace.input = concrete }
                try Self.run(engine, &concrete, readAhead: ahead)
            } else if var ctf = trace.input as? CTFTraceReader {
                defer { trace.input = ctf }
                try Self.run(engine, &ctf, readAhead: ahead)
            } else {
                try Self.run(engine, &trace.input, readAhead: ahead)
            }
        } catch {
            throw mapped(error)
        }
    }

    private static func run<S: RecordSource>(_ engine: ReplayEngine, _ input: inout S, readAhead: Bool) throws {
        guard readAhead else { return try engine.consumeAll(&input) }
        var ahead = ReadAheadSource(input)
        defer { input = ahead.source }
        try engine.consumeAll(&ahead)
    }

    /// Reads and replays one item; false at the end of the trace. `record` also sees each record.
    public mutating func step(_ record: (TraceRecord, Int) -> Void = { _, _ in }) throws(SessionError) -> Bool {
        do {
            guard let item = try trace.input.nextItem() else { return false }
            switch item {
            case .record(let r):
                try engine.consume(r, line: trace.input.lineNumber)
                record(r, trace.input.lineNumber)
            case .gap(let count, let from, let to):
                engine.gap(count: count, from: from, to: to, line: trace.input.lineNumber)
            }
            return true
        } catch {
            throw mapped(error)
        }
    }

    /// Reader and replay errors with the trace's name and line.
    public func mapped(_ error: any Error) -> SessionError {
        switch error {
        case let e as SessionError: return e
        case let e as TraceFormatError: return SessionError(.malformed, "\(path):\(e.line): \(e.message)")
        case let e as ReplayError: return SessionError(.malformed, "\(path):\(e.line): \(e.message)")
        default: return SessionError(.unreadable, "\(path): \(error)")
        }
    }

    public func finish() -> ReplayReport {
        let report = engine.finish(trace: path, truncatedLine: trace.input.truncatedLastLine ? trace.input.lineNumber + 1 : nil)
        trace.input.close()
        return report
    }
}
