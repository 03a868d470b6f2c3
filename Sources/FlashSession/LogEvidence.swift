import FlashEvents
import FlashModel
import FlashTraceIO
import Foundation

// What a QEMU log says about its devices, read before replay: which devices appear, how far
// into each the accesses reach, and whether the device was writable (WritabilityEvidence, the
// model's reading of its own events). A log carries no geometry, so these are the facts replay
// infers its devices from (DeviceInference).

public struct DeviceEvidence: Sendable, Equatable {
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
    /// An io_write was read, and a write_block_start came before the first one: for a scan
    /// that starts mid-log, the second depends on the write cycle the log's earlier part left.
    var sawWrite = false
    var blockStartBeforeWrite = false

    public var writability: WritabilityEvidence.Verdict? { cfi01.verdict }
    public var writabilityReason: String { cfi01.reason }
    public var writabilityLine: Int? { proofLine }
}

public struct LogEvidence: Sendable, Equatable {
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
    /// (malformed lines with their line). `parallel`: a large log is read in two halves on two
    /// threads (the evidence is the same: `merged(with:)`).
    public static func scan(path: String, limit: Int? = nil, parallel: Bool = false) throws -> LogEvidence {
        if let limit { return try scanFirst(limit, path: path) }
        guard parallel, let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int,
              size >= parallelFrom, let half = try QemuLogReader.lineStart(path: path, atOrAfter: size / 2),
              half < size else {
            return try scan(path: path, bytes: nil).evidence
        }
        return try scan(path: path, splitAt: half)
    }

    /// Logs smaller than this are read on one thread: a second one would not pay for itself.
    static var parallelFrom: Int { 4 << 20 }

    /// The log read as two parts, bytes `..<split` (a line start) and `split...`, the second on
    /// a thread of its own from a fresh state; where that part's evidence depends on what the
    /// first left (a program or erase waiting for its outcome, a write buffer opened before the
    /// part's first write), it is read again after the first. Either way, what one scan finds.
    static func scan(path: String, splitAt split: Int) throws -> LogEvidence {
        let (later, earlier) = concurrently({ Result { try scan(path: path, bytes: split..<Int.max) } },
                                            { Result { try scan(path: path, bytes: 0..<split) } })
        let first = try earlier.get()
        let second: (evidence: LogEvidence, lines: Int)
        do { second = try later.get() } catch var e as TraceFormatError {
            e.line += first.lines
            throw e
        }
        if let whole = first.evidence.merged(with: second.evidence, lineOffset: first.lines) { return whole }
        return try scan(path: path, bytes: split..<Int.max, continuing: first.evidence, lineOffset: first.lines).evidence
    }

    /// The first `limit` events.
    private static func scanFirst(_ limit: Int, path: String) throws -> LogEvidence {
        var reader = try QemuLogReader(path: path)
        defer { try? reader.close() }
        var evidence = LogEvidence()
        var index: [String: Int] = [:]
        var n = 0
        while n < limit, let r = try reader.next() {
            n += 1
            evidence.note(r.event, device: evidence.slot(of: r.device, index: &index), line: reader.lineNumber)
        }
        return evidence
    }

    /// Bytes `bytes` of the log (all of it when nil) read on from `continuing`, lines numbered
    /// from `lineOffset + 1`; with the number of lines read.
    static func scan(path: String, bytes: Range<Int>?, continuing: LogEvidence = LogEvidence(),
                             lineOffset: Int = 0) throws -> (evidence: LogEvidence, lines: Int) {
        var reader: QemuLogReader
        if let bytes { reader = try QemuLogReader(path: path, bytes: bytes) } else { reader = try QemuLogReader(path: path) }
        defer { try? reader.close() }
        var evidence = continuing
        var index: [String: Int] = [:]
        for (i, d) in evidence.devices.enumerated() { index[d.name] = i }
        var last = -1, lastName = ""
        do {
            try reader.forEachRecord { r, line in
                // Logs run long stretches on one device: one comparison instead of a lookup.
                if last < 0 || r.device != lastName {
                    last = evidence.slot(of: r.device, index: &index)
                    lastName = r.device
                }
                evidence.note(r.event, device: last, line: lineOffset &+ line)
            }
        } catch var e as TraceFormatError {
            e.line += lineOffset
            throw e
        }
        return (evidence, reader.linesRead)
    }

    /// This evidence (a log's first part) followed by `later`'s, read from a fresh state over the
    /// rest (lines numbered from 1): what reading the two parts as one gives, or nil when
    /// `later`'s fresh start is not where this part left off.
    func merged(with later: LogEvidence, lineOffset: Int) -> LogEvidence? {
        var whole = self
        for d in later.devices {
            if let j = whole.devices.firstIndex(where: { $0.name == d.name }) {
                guard let m = whole.devices[j].followed(by: d, lineOffset: lineOffset) else { return nil }
                whole.devices[j] = m
            } else {
                // Not in the first part: the fresh start is this device's true one.
                whole.devices.append(d.shifted(by: lineOffset))
            }
        }
        whole.directWriteLine = directWriteLine ?? later.directWriteLine.map { $0 + lineOffset }
        whole.bufferAtCountLine = bufferAtCountLine ?? later.bufferAtCountLine.map { $0 + lineOffset }
        whole.bufferAtDataLine = bufferAtDataLine ?? later.bufferAtDataLine.map { $0 + lineOffset }
        return whole
    }

    public func device(_ name: String) -> DeviceEvidence? { devices.first { $0.name == name } }

    /// The index of `name` in `devices` (`index` maps names to it), added when new.
    mutating func slot(of name: String, index: inout [String: Int]) -> Int {
        if let i = index[name] { return i }
        index[name] = devices.count
        devices.append(DeviceEvidence(name: name))
        return devices.count - 1
    }

    /// A write_block_start right after the count write (cycle 1) or after a data write (cycle 2).
    mutating func note(_ e: FlashEvent, device i: Int, line: Int) {
        if e.kind == .writeBlock || e.kind == .dataWriteCounted { directWriteLine = directWriteLine ?? line }
        if e.kind == .writeBlockStart {
            if !devices[i].sawWrite { devices[i].blockStartBeforeWrite = true }
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
        if e.kind == .ioWrite {
            lastWriteCycle = e.wcycle
            sawWrite = true
        }
        if cfi01.verdict == nil {
            cfi01.observe(e)
            if cfi01.verdict != nil { proofLine = line }
        }
    }
}

extension DeviceEvidence {
    /// Line numbers moved on by `offset` (a part of the log that started there).
    func shifted(by offset: Int) -> DeviceEvidence {
        var d = self
        if accessEnd > 0 { d.accessEndLine += offset }
        d.proofLine = proofLine.map { $0 + offset }
        return d
    }

    /// This device's evidence from a log's first part followed by `later`'s from the rest, or
    /// nil when `later` read an event whose meaning depends on what this part left: a
    /// write_block_start before its first io_write (after a count or data write here), or
    /// any event while a program or erase here still waited for its outcome.
    func followed(by later: DeviceEvidence, lineOffset: Int) -> DeviceEvidence? {
        if later.blockStartBeforeWrite && (lastWriteCycle == 1 || lastWriteCycle == 2) { return nil }
        let shifted = later.shifted(by: lineOffset)
        var d = self
        if shifted.accessEnd > accessEnd {
            d.accessEnd = shifted.accessEnd
            d.accessEndLine = shifted.accessEndLine
        }
        d.events += later.events
        // observe feeds the writability evidence only until its verdict.
        if cfi01.verdict == nil {
            guard let writability = cfi01.followed(by: later.cfi01) else { return nil }
            d.cfi01 = writability
            d.proofLine = shifted.proofLine
        }
        if later.sawWrite { d.lastWriteCycle = later.lastWriteCycle }
        if !sawWrite { d.blockStartBeforeWrite = blockStartBeforeWrite || later.blockStartBeforeWrite }
        d.sawWrite = sawWrite || later.sawWrite
        return d
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
