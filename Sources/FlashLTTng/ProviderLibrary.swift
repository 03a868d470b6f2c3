import CFlashTracepoints
import Foundation

// Finds and loads the probe library (tracepoints/libflashtrace-tp.so). Loading it is what
// connects flashtrace's tracepoints to liblttng-ust and registers the process with a session
// daemon, so it happens only when a command asks for the LTTng sink.

public enum ProviderLibrary {
    public static let fileName = "libflashtrace-tp.so"
    public static let environmentVariable = "FLASHTRACE_TP_LIB"

    /// Where the library is looked for, in order: $FLASHTRACE_TP_LIB alone when set; else next to
    /// the executable, an installed lib/flashtrace beside its bin, and tracepoints/ in each folder
    /// above it (the source tree of a `.build/<config>/flashtrace`).
    public static func candidates(environment: [String: String] = ProcessInfo.processInfo.environment,
                                  executable: String = executablePath()) -> [String] {
        if let path = environment[environmentVariable], !path.isEmpty { return [path] }
        var dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
        var paths = [dir.appendingPathComponent(fileName).path,
                     dir.deletingLastPathComponent().appendingPathComponent("lib/flashtrace/\(fileName)").path]
        while dir.path != "/" {
            paths.append(dir.appendingPathComponent("tracepoints/\(fileName)").path)
            dir = dir.deletingLastPathComponent()
        }
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
            throw LTTngError(.unavailable, "the flashtrace tracepoint provider \(fileName) was not found (looked in \(paths.prefix(4).joined(separator: ", ")), …): build it with `make -C tracepoints` or set \(environmentVariable)")
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
