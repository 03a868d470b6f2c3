import ArgumentParser
import Foundation
import FlashLTTng
import FlashTraceIO

// The LTTng side of `record` (--sink lttng|both, --lttng-session): kept here so Record.swift
// only wires it in.

enum SinkChoice: String, ExpressibleByArgument, CaseIterable {
    case json, lttng, both
    var writesJSON: Bool { self != .lttng }
    var usesLTTng: Bool { self != .json }
}

/// The LTTng half of one recording: the sink, and the session when --lttng-session made one.
final class LTTngRecording {
    let sink: LTTngSink
    let session: LTTngSession?

    init(sink: LTTngSink, session: LTTngSession?) {
        self.sink = sink
        self.session = session
    }

    /// After the last event: stop the session we created and say where the trace is.
    func finish() throws(ExitCode) {
        do { try session?.finish(log: warnInfo) } catch { throw lttngFailure(error) }
    }

    func abandon() { session?.abandon() }
}

func lttngFailure(_ e: LTTngError) -> ExitCode {
    fail(e.message, e.kind == .unavailable ? .unavailable : .ioError)
}

extension Record {
    /// Checks the LTTng options and, when the sink is wanted, creates the session (if asked),
    /// loads the provider and warns when nothing records. nil for --sink json.
    func startLTTng(_ header: TraceHeader) throws(ExitCode) -> LTTngRecording? {
        guard sink.usesLTTng else {
            if lttngSession != nil { throw fail("--lttng-session needs --sink lttng or --sink both", .usage) }
            if lttngOutput != nil { throw fail("--lttng-output needs --lttng-session", .usage) }
            return nil
        }
        if lttngOutput != nil && lttngSession == nil { throw fail("--lttng-output needs --lttng-session", .usage) }
        // Refuse before creating a session that could record nothing.
        do { _ = try ProviderLibrary.locate() } catch { throw lttngFailure(error) }
        var session: LTTngSession?
        if let name = lttngSession {
            let dir = URL(fileURLWithPath: lttngOutput ?? "lttng-traces/\(name)").standardizedFileURL.path
            if let entries = try? FileManager.default.contentsOfDirectory(atPath: dir), !entries.isEmpty {
                throw fail("\(dir) exists and is not empty; choose another --lttng-output or remove it", .cantCreate)
            }
            do { session = try LTTngSession.begin(LTTngSessionSettings(name: name, output: dir), log: warnInfo) } catch {
                throw lttngFailure(error)
            }
        }
        let lttng: LTTngSink
        do { lttng = try LTTngSink(header: header) } catch {
            session?.abandon()
            throw lttngFailure(error)
        }
        if !lttng.isRecording {
            warn("no LTTng session is recording flashtrace:* events, so nothing goes to LTTng: pass --lttng-session NAME, or create one first (lttng create; lttng enable-event -u 'flashtrace:*'; lttng start)")
        }
        return LTTngRecording(sink: lttng, session: session)
    }
}
