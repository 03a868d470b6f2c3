import FlashEvents
import FlashModel
import FlashTraceIO

// What a QEMU log says about its devices, read before replay: which devices appear, how far
// into each the accesses reach, and whether the device was writable (WritabilityEvidence, the
// model's reading of its own events). A log carries no geometry, so these are the facts replay
// infers its devices from (DeviceInference).

public struct DeviceEvidence: Sendable {
    public var name: String
    /// One past the highest byte an access touched (saturating); 0 when none did.
    public var accessEnd: UInt64 = 0
    /// Highest access offset and its line, for messages.
    public var accessEndLine = 0
    public var events = 0
    /// Writability verdicts, one per device type the log could be from (CFI01 and CFI02 read
    /// their events differently); the inference asks the one of the type it picks.
    var cfi01 = WritabilityEvidence(type: .cfi01)
    var proofLine: Int?
    /// The write cycle of the device's last io_write (what a write_block_start followed).
    var lastWriteCycle: UInt64 = 0

    public var writability: WritabilityEvidence.Verdict? { cfi01.verdict }
    public var writabilityReason: String { cfi01.reason }
    public var writabilityLine: Int? { proofLine }
}

public struct LogEvidence: Sendable {
    /// Devices in the order the log first names them.
    public private(set) var devices: [DeviceEvidence] = []
    /// Where the first write buffer opened at the count write (QEMU 7.2.9 – 9.0.0), and where
    /// the first opened at a data write (9.0.1 and later): the line of its write_block_start.
    public private(set) var bufferAtCountLine: Int?
    public private(set) var bufferAtDataLine: Int?
    /// The first pflash_write_block or data_write with a counter: QEMU before the update buffer.
    public private(set) var directWriteLine: Int?

    /// The era the log's buffered writes show, with the line that shows it; nil when they show
    /// none (no buffered write: every era behaves the same) or both (not one QEMU's log).
    public var era: (PflashEra, line: Int)? {
        switch (directWriteLine, bufferAtCountLine, bufferAtDataLine) {
        case (let w?, nil, nil): return (.directWrite, w)
        case (nil, let c?, nil): return (.bufferAtCount, c)
        case (nil, nil, let d?): return (.bufferAtFirstData, d)
        default: return nil
        }
    }

    /// Reads the whole log once (or its first `limit` events). Throws what the reader throws
    /// (malformed lines with their line).
    public static func scan(path: String, limit: Int? = nil) throws -> LogEvidence {
        var reader = try QemuLogReader(path: path)
        defer { try? reader.close() }
        var evidence = LogEvidence()
        var index: [String: Int] = [:]
        var last = -1, lastName = ""
        if let limit {
            var n = 0
            while n < limit, let r = try reader.next() {
                n += 1
                if index[r.device] == nil {
                    index[r.device] = evidence.devices.count
                    evidence.devices.append(DeviceEvidence(name: r.device))
                }
                evidence.note(r.event, device: index[r.device]!, line: reader.lineNumber)
            }
            return evidence
        }
        try reader.forEachRecord { r, line in
            if last < 0 || r.device != lastName {
                if let i = index[r.device] { last = i } else {
                    last = evidence.devices.count
                    index[r.device] = last
                    evidence.devices.append(DeviceEvidence(name: r.device))
                }
                lastName = r.device
            }
            evidence.note(r.event, device: last, line: line)
        }
        return evidence
    }

    public func device(_ name: String) -> DeviceEvidence? { devices.first { $0.name == name } }

    /// A write_block_start right after the count write (cycle 1) or after a data write (cycle 2).
    mutating func note(_ e: FlashEvent, device i: Int, line: Int) {
        if e.kind == .writeBlock || e.kind == .dataWriteCounted { directWriteLine = directWriteLine ?? line }
        if e.kind == .writeBlockStart {
            if devices[i].lastWriteCycle == 1 { bufferAtCountLine = bufferAtCountLine ?? line }
            if devices[i].lastWriteCycle == 2 { bufferAtDataLine = bufferAtDataLine ?? line }
        }
        devices[i].observe(e, line: line)
    }
}

extension DeviceEvidence {
    mutating func observe(_ e: FlashEvent, line: Int) {
        events += 1
        if e.kind == .ioWrite || e.kind == .ioRead {
            let (end, overflow) = e.offset.addingReportingOverflow(e.size)
            let reach = overflow ? UInt64.max : end
            if reach > accessEnd { accessEnd = reach; accessEndLine = line }
        }
        if e.kind == .ioWrite { lastWriteCycle = e.wcycle }
        if cfi01.verdict == nil {
            cfi01.observe(e)
            if cfi01.verdict != nil { proofLine = line }
        }
    }
}

extension PflashEra {
    /// What a log line shows of this era, for the report.
    var evidence: String {
        switch self {
        case .directWrite: return "logs pflash_write_block or a data_write with a counter (no update buffer)"
        case .bufferAtCount: return "opens the write buffer at the count write"
        case .bufferAtFirstData: return "opens the write buffer at the first data write"
        }
    }
}
