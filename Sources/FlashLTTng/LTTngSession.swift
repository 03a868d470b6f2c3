import Foundation

// `record --lttng-session NAME`: the lttng-tools steps a first-time user would otherwise type.
// A session daemon is started when none answers (and stopped again at the end, since this
// command started it), the session gets a channel large enough to lose no events at the model's
// speed (notes/lttng.md: the default 4 x 512 KiB discarded up to 4.5 % under load; 16 x 4 MiB
// none), with a blocking timeout as a second guard, and `flashtrace:*` enabled.

public struct LTTngSessionSettings: Sendable {
    public var name: String
    /// Absolute directory the trace is written to.
    public var output: String
    public var subbufSize = "4M"
    public var numSubbuf = 16
    /// When the buffers are full the app waits this long (µs) before discarding.
    public var blockingTimeoutMicroseconds: UInt64 = 1_000_000
    public static let channel = "flashtrace"

    public init(name: String, output: String) {
        self.name = name
        self.output = output
    }
}

public final class LTTngSession {
    public let settings: LTTngSessionSettings
    private let lttng: String
    /// The daemon this session started, stopped again by `finish`.
    public private(set) var startedDaemon: pid_t?
    private var active = true
    private let timeout: TimeInterval = 60

    private init(settings: LTTngSessionSettings, lttng: String) {
        self.settings = settings
        self.lttng = lttng
    }

    /// Creates and starts the session (and a daemon if needed). `log` gets progress lines.
    public static func begin(_ settings: LTTngSessionSettings, log: (String) -> Void) throws(LTTngError) -> LTTngSession {
        guard let lttng = Subprocess.find("lttng") else {
            throw LTTngError(.unavailable, "lttng-tools is not installed (no `lttng` in PATH): install lttng-tools to use --lttng-session")
        }
        let session = LTTngSession(settings: settings, lttng: lttng)
        try session.ensureDaemon(log: log)
        let s = settings
        do {
            try session.lttngCommand(["create", s.name, "--output=\(s.output)"])
            try session.lttngCommand(["enable-channel", "--userspace", "--session=\(s.name)",
                                      "--subbuf-size=\(s.subbufSize)", "--num-subbuf=\(s.numSubbuf)",
                                      "--blocking-timeout=\(s.blockingTimeoutMicroseconds)", LTTngSessionSettings.channel])
            try session.lttngCommand(["enable-event", "--userspace", "--session=\(s.name)",
                                      "--channel=\(LTTngSessionSettings.channel)", "flashtrace:*"])
            try session.lttngCommand(["start", s.name])
        } catch {
            session.abandon()
            throw error
        }
        log("LTTng session \(s.name) recording flashtrace:* to \(s.output)")
        return session
    }

    /// Stops and destroys the session (the trace stays on disk); lttng's own notes, such as
    /// discarded-event counts, are passed to `log`.
    public func finish(log: (String) -> Void) throws(LTTngError) {
        guard active else { return }
        active = false
        defer { stopDaemon() }
        let stop = try lttngCommand(["stop", settings.name])
        for line in stop.split(separator: "\n") where line.contains("discarded") || line.contains("lost") {
            log(String(line))
        }
        try lttngCommand(["destroy", settings.name])
        log("LTTng trace written to \(settings.output) (replay: flashtrace replay \(settings.output))")
    }

    /// Error path: remove the session without reporting, stop a daemon we started.
    public func abandon() {
        guard active else { return }
        active = false
        _ = try? Subprocess.run(lttng, ["destroy", settings.name], timeout: timeout)
        stopDaemon()
    }

    @discardableResult
    private func lttngCommand(_ arguments: [String]) throws(LTTngError) -> String {
        let r: CommandResult
        do { r = try Subprocess.run(lttng, arguments, timeout: timeout) } catch {
            throw LTTngError(.failed, "cannot run lttng: \(error)")
        }
        if r.timedOut { throw LTTngError(.failed, "`lttng \(arguments.joined(separator: " "))` did not finish in \(Int(timeout)) s") }
        if r.status != 0 {
            throw LTTngError(.failed, "`lttng \(arguments.joined(separator: " "))` failed: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return r.output
    }

    private func ensureDaemon(log: (String) -> Void) throws(LTTngError) {
        if let r = try? Subprocess.run(lttng, ["list"], timeout: timeout), r.status == 0 { return }
        let dir = URL(fileURLWithPath: lttng).deletingLastPathComponent().path
        let sessiond = FileManager.default.isExecutableFile(atPath: "\(dir)/lttng-sessiond") ? "\(dir)/lttng-sessiond" : Subprocess.find("lttng-sessiond")
        guard let sessiond else { throw LTTngError(.unavailable, "no LTTng session daemon runs and lttng-sessiond is not installed") }
        // --daemonize returns once the daemon accepts commands; no kernel tracing is needed.
        let r: CommandResult
        do { r = try Subprocess.run(sessiond, ["--daemonize", "--no-kernel"], timeout: timeout) } catch {
            throw LTTngError(.failed, "cannot start lttng-sessiond: \(error)")
        }
        guard r.status == 0, !r.timedOut else {
            throw LTTngError(.failed, "lttng-sessiond did not start: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        startedDaemon = Self.daemonPid()
        log("started an LTTng session daemon\(startedDaemon.map { " (pid \($0))" } ?? ""); it is stopped again at the end")
    }

    /// The daemon's pid file: the global run dir for root, ~/.lttng (or $LTTNG_HOME) otherwise.
    static func daemonPid() -> pid_t? {
        let env = ProcessInfo.processInfo.environment
        let dir = getuid() == 0 ? "/run/lttng" : "\(env["LTTNG_HOME"] ?? env["HOME"] ?? "/tmp")/.lttng"
        guard let text = try? String(contentsOfFile: "\(dir)/lttng-sessiond.pid", encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private func stopDaemon() {
        guard let pid = startedDaemon else { return }
        startedDaemon = nil
        kill(pid, SIGTERM)
        // Its consumer daemons exit with it; wait a little so the trace is complete on return.
        for _ in 0..<100 where kill(pid, 0) == 0 { usleep(50_000) }
    }
}
