import Foundation
import FlashEvents
import FlashTraceIO

// Progress of long replays, conversions and diffs on standard error: bytes read, the input's
// size and events per second, redrawn at most ten times a second. Only for a terminal (isatty(2))
// and without --quiet; it starts after half a second so short runs print nothing, and it erases
// its line before any other output.

final class ProgressMeter {
    private let label: String
    /// Whether anything will be drawn (inputs need no progress wrapper otherwise).
    let enabled: Bool
    private var files: [(fd: Int32, size: UInt64)] = []
    private var claimed: Set<Int32> = []
    private var events = 0
    private let start = ProgressMeter.now()
    private var lastDraw: UInt64 = 0
    private var drawn = false

    init(label: String, quiet: Bool, outputIsStdout: Bool = false) {
        self.label = label
        // Progress on a terminal that also shows the output would tear it apart.
        enabled = !quiet && isatty(2) == 1 && !(outputIsStdout && isatty(1) == 1)
    }

    /// Follows an input opened just before. The readers keep their descriptor to themselves, so it
    /// is found among the open ones by device and inode; the position is then its file offset
    /// (the readers read sequentially in chunks). Folders (LTTng) show events only.
    func track(_ path: String) {
        guard enabled else { return }
        var target = stat()
        guard stat(path, &target) == 0, target.st_mode & S_IFMT == S_IFREG else { return }
        for fd in Self.openDescriptors() where !claimed.contains(fd) {
            var s = stat()
            if fstat(fd, &s) == 0 && s.st_dev == target.st_dev && s.st_ino == target.st_ino {
                claimed.insert(fd)
                files.append((fd, UInt64(target.st_size)))
                return
            }
        }
    }

    /// One event consumed; cheap except every 4096th call.
    @inline(__always) func step() {
        events &+= 1
        if enabled && events & 0xFFF == 0 { maybeDraw() }
    }

    /// Erases the progress line.
    func finish() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }

    private func maybeDraw() {
        let t = Self.now()
        let elapsed = t - start
        guard elapsed >= 500_000_000, t - lastDraw >= 100_000_000 else { return }
        lastDraw = t
        var line = "flashtrace: \(label): "
        if !files.isEmpty {
            var done: UInt64 = 0, total: UInt64 = 0
            for f in files {
                let pos = lseek(f.fd, 0, SEEK_CUR)
                done += pos > 0 ? min(UInt64(pos), f.size) : 0
                total += f.size
            }
            line += "\(Self.size(done)) of \(Self.size(total))"
            if total > 0 { line += " (\(done * 100 / total)%)" }
            line += ", "
        }
        let rate = Double(events) / (Double(elapsed) / 1e9)
        line += "\(Self.count(events)) events, " + (rate >= 1e6 ? String(format: "%.2f M", rate / 1e6) : String(format: "%.0f k", rate / 1e3)) + " events/s"
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
        drawn = true
    }

    private static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    private static func openDescriptors() -> [Int32] {
        if let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            return names.compactMap { Int32($0) }.sorted()
        }
        return Array(0..<1024)
    }

    private static func size(_ b: UInt64) -> String {
        b >= 1 << 30 ? String(format: "%.1f GiB", Double(b) / Double(1 << 30))
            : b >= 1 << 20 ? String(format: "%.1f MiB", Double(b) / Double(1 << 20)) : "\(b / 1024) KiB"
    }

    private static func count(_ n: Int) -> String {
        n >= 1_000_000 ? String(format: "%.1f M", Double(n) / 1e6) : n >= 1000 ? "\(n / 1000) k" : "\(n)"
    }
}

/// A record source that drives a progress meter: one step per item, the line erased at the end
/// of the input or when reading fails (before the error is printed).
struct ProgressSource: RecordSource {
    private var base: any RecordSource
    let meter: ProgressMeter

    init(_ base: any RecordSource, meter: ProgressMeter, path: String) {
        self.base = base
        self.meter = meter
        meter.track(path)
    }

    var header: TraceHeader? { base.header }
    var lineNumber: Int { base.lineNumber }
    var truncatedLastLine: Bool { base.truncatedLastLine }
    var skippedLines: Int { base.skippedLines }
    func close() { base.close() }

    mutating func nextItem() throws -> TraceItem? {
        do {
            guard let item = try base.nextItem() else {
                meter.finish()
                return nil
            }
            meter.step()
            return item
        } catch {
            meter.finish()
            throw error
        }
    }

    /// Records only, for conversions of forms that have no gaps.
    mutating func next() throws -> TraceRecord? {
        while let item = try nextItem() {
            if case .record(let r) = item { return r }
        }
        return nil
    }
}
