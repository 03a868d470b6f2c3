import CFlashTracepoints
import Foundation

// Finds and loads the probe library, libflashtrace-tp.so (the flashtrace-tp product of
// Package.swift, built from tracepoints/ by `swift build`). Loading it is what
// connects flashtrace's tracepoints to liblttng-ust and registers the process with a session
// daemon, so it happens only when a command asks for the LTTng sink.

public enum ProviderLibrary {
    public static let fileName = "libflashtrace-tp.so"
    public static let environmentVariable = "FLASHTRACE_TP_LIB"

    /// The folder the Debian package installs the library in (scripts/package-deb.sh).
    public static let installedDirectory = "/usr/lib/flashtrace"

    /// Where the library is looked for, in order: $FLASHTRACE_TP_LIB alone when set; else next to
    /// the executable (`.build/<config>/`, where `swift build` puts both), lib/flashtrace beside
    /// the executable's bin (an installed prefix: /usr/bin -> /usr/lib/flashtrace), and
    /// /usr/lib/flashtrace (the package's library for a flashtrace copied elsewhere).
    public static func candidates(environment: [String: String] = ProcessInfo.processInfo.environment,
                                  executable: String = executablePath()) -> [String] {
        if let path = environment[environmentVariable], !path.isEmpty { return [path] }
        let dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
        var paths = [dir.appendingPathComponent(fileName).path,
                     dir.deletingLastPathComponent().appendingPathComponent("lib/flashtrace/\(fileName)").path]
        let installed = "\(installedDirectory)/\(fileName)"
        if !paths.contains(installed) { paths.append(installed) }
        return paths
    }

    public static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    nonisolated(unsafe) private static var loadedPath: String?

    /// Checks that recording is possible (runtime present, probe library found) without loading
    /// anything, so `record` can refuse before it creates a session; returns the library's path.
    public static func locate() throws(LTTngError) -> String {
        guard ft_tp_runtime_present() != 0 else {
            throw LTTngError(.unavailable, "the LTTng-UST runtime is not installed (liblttng-ust-tracepoint.so.1 was not found at start): install liblttng-ust1 to record with --sink lttng, or use --sink json")
        }
        let paths = candidates()
        guard let path = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw LTTngError(.unavailable, "the flashtrace tracepoint provider \(fileName) was not found (looked in \(paths.joined(separator: ", "))): build it with `swift build` (product flashtrace-tp), install the flashtrace package, or set \(environmentVariable)")
        }
        return path
    }

    /// Loads the probes (once; never unloaded, as lttng-ust requires) and returns their path.
    /// Call from the main thread before any event is emitted.
    @discardableResult
    public static func load() throws(LTTngError) -> String {
        if let loadedPath { return loadedPath }
        let path = try locate()
        // Lets a channel created with --blocking-timeout make the app wait instead of discarding
        // (lttng-ust reads it when it starts, i.e. during this dlopen). The user's value wins.
        setenv("LTTNG_UST_ALLOW_BLOCKING", "1", 0)
        // dlopen(RTLD_NOW | RTLD_GLOBAL). In ThreadSanitizer builds it runs on a thread of its
        // own and the process then exits before library destructors (tracepoints.c says why).
        var reason = [CChar](repeating: 0, count: 1024)
        guard ft_tp_load(path, &reason, reason.count) != nil else {
            let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw LTTngError(.unavailable, "cannot load the tracepoint provider \(path): \(text.isEmpty ? "unknown error" : text)")
        }
        loadedPath = path
        return path
    }
}
