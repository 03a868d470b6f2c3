// Which QEMU made a trace, and the pflash behaviour that version has (spec §2.10, §3.11;
// ../shared/notes/qemu-versions.md). Only CFI01's write-to-buffer differs between the eras the
// model follows; CFI02 behaves the same in all of them.

/// How CFI01's write-to-buffer (0xE8) behaves.
public enum PflashEra: String, Sendable, CaseIterable, Comparable {
    /// Before the update buffer (6.0 – 7.2.8, 8.0.x, 8.1.0 – 8.1.4, 8.2.0; commit 284a7ee2e290's
    /// parent): buffered data goes straight to storage, at any offset; `pflash_write_block` at the
    /// count write, `pflash_data_write` with a counter; the confirm only ends the sequence.
    case directWrite = "direct-write"
    /// The update buffer, its window opened at the address of the count write (commit
    /// 284a7ee2e290 and its backports: 7.2.9 – 7.2.x, 8.1.5+, 8.2.1+, 9.0.0). Debian 12's 7.2.22.
    case bufferAtCount = "buffer-at-count"
    /// The window opened at the first data write, and only when the count is not 0 (commit
    /// 2563be6317fa: 9.0.1 and later, so 9.1, 9.2, 10.x, 11.x).
    case bufferAtFirstData = "buffer-at-first-data"

    public static func < (a: PflashEra, b: PflashEra) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// One line for reports and --help.
    public var summary: String {
        switch self {
        case .directWrite: return "no update buffer, data straight to storage (6.0 – 7.2.8, 8.0, 8.1.0 – 8.1.4, 8.2.0)"
        case .bufferAtCount: return "update buffer, window at the count write (7.2.9 – 7.2.x, 8.1.5+, 8.2.1+, 9.0.0)"
        case .bufferAtFirstData: return "update buffer, window at the first data write, count 0 aborts (9.0.1 and later)"
        }
    }

    /// A version of this era, for messages and --qemu hints.
    public var example: QEMUVersion {
        switch self {
        case .directWrite: return QEMUVersion(6, 2, 0)
        case .bufferAtCount: return QEMUVersion(7, 2, 22)
        case .bufferAtFirstData: return QEMUVersion(10, 0, 2)
        }
    }
}

public struct QEMUVersion: Sendable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    /// nil: the series as a whole ("10.0"), taken as its newest release.
    public var micro: Int?

    public init(_ major: Int, _ minor: Int, _ micro: Int? = nil) {
        self.major = major; self.minor = minor; self.micro = micro
    }

    /// Every trace so far came from Debian 12's QEMU; a header without "qemu" means it.
    public static let debian12 = QEMUVersion(7, 2, 22)
    /// What `record` models when not told otherwise: the newest era.
    public static let newest = QEMUVersion(11, 1)

    /// `7.2`, `7.2.22`, `8.2.2`, `10.0`, `11.1` (a leading `v` and a Debian-style suffix such as
    /// `+dfsg-7` are accepted). Nil when malformed.
    public init?(_ text: some StringProtocol) {
        var s = Substring(text)
        if s.first == "v" { s = s.dropFirst() }
        if let cut = s.firstIndex(where: { !$0.isNumber && $0 != "." }) { s = s[..<cut] }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isNumber) }),
              let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.major = major
        self.minor = minor
        micro = parts.count == 3 ? Int(parts[2]) : nil
    }

    public var description: String { "\(major).\(minor)" + (micro.map { ".\($0)" } ?? "") }

    public static func < (a: QEMUVersion, b: QEMUVersion) -> Bool {
        (a.major, a.minor, a.micro ?? .max) < (b.major, b.minor, b.micro ?? .max)
    }

    /// Before 6.0 pflash_cfi01 logged with DPRINTF and most pflash_* events did not exist.
    public var isTraceable: Bool { self >= QEMUVersion(6, 0, 0) }

    /// The era this version's CFI01 behaves as; nil before 6.0 (no pflash trace events to speak of).
    public var era: PflashEra? {
        let m = micro ?? .max
        switch (major, minor) {
        case (..<6, _): return nil
        case (6, _): return .directWrite
        case (7, 0...1): return .directWrite
        case (7, 2): return m >= 9 ? .bufferAtCount : .directWrite
        case (7, _): return .bufferAtCount
        case (8, 0): return .directWrite
        case (8, 1): return m >= 5 ? .bufferAtCount : .directWrite
        case (8, 2): return m >= 1 ? .bufferAtCount : .directWrite
        case (8, _): return .bufferAtCount
        case (9, 0): return m >= 1 ? .bufferAtFirstData : .bufferAtCount
        default: return .bufferAtFirstData
        }
    }
}
