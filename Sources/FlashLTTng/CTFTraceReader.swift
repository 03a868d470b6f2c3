import CCTFReader
import FlashEvents
import FlashTraceIO
import Foundation

// Reads an LTTng (CTF) trace folder as a RecordSource: `flashtrace:*` events become
// TraceRecords again, the tracer's discarded-events records become `.gap`s placed where the
// events' `seq` jumps (see CTFGapPlacer), and the
// `device_config` events at the start become the header. Events of other providers that shared
// the session are skipped and counted. `lineNumber` is the 1-based index of the event among all
// events of the trace, i.e. the line of `babeltrace2 DIR`'s output that shows it.

public struct CTFTraceReader: RecordSource {
    public let path: String
    public private(set) var header: TraceHeader?
    public private(set) var lineNumber = 0
    public var truncatedLastLine: Bool { false }
    public private(set) var skippedLines = 0

    private let handle: Handle
    /// Event classes seen, registered with the C reader (which then reads their events' fields).
    private var maps: [UnsafeRawPointer: CTFEventMap] = [:]
    private var lastDevice = -1
    /// Items read while looking for the header, with their lines.
    private var buffered: [(TraceItem, Int)] = []
    private var line = 0
    private var sawEvent = false
    private var gaps = CTFGapPlacer()
    /// A record held back while the gap before it is returned.
    private var heldRecord: TraceRecord?
    /// Device names as C bytes and Swift strings, so each event reuses the String.
    private var deviceNames: [([CChar], String)] = []
    /// `write` texts seen, by their C bytes (an id per distinct text, found without Strings).
    private var texts: [([CChar], EventText)] = []

    /// Which decoder reads the trace.
    public enum Decoder: String, Sendable, CaseIterable {
        /// flashtrace's own, for traces of lttng-ust's shape (the default when it can).
        case native
        /// libbabeltrace2 (loaded at run time), for any CTF 1.8 trace.
        case babeltrace2
    }
    /// The decoder reading this trace.
    public let decoder: Decoder

    /// Opens the trace in `path` or anywhere below it (as `babeltrace2 DIR` does). With
    /// `decoder` nil, the native decoder reads it when it can and libbabeltrace2 otherwise;
    /// the environment variable FLASHTRACE_CTF_READER (native, babeltrace2) forces one.
    public init(path: String, decoder wanted: Decoder? = nil) throws {
        self.path = path
        var err = [CChar](repeating: 0, count: 2048)
        let dirs = try Self.metadataDirectories(under: path)
        var choice = wanted
        if choice == nil, let env = ProcessInfo.processInfo.environment["FLASHTRACE_CTF_READER"], !env.isEmpty {
            guard let d = Decoder(rawValue: env) else {
                throw CTFReadError(message: "FLASHTRACE_CTF_READER=\(env): expected native or babeltrace2")
            }
            choice = d
        }
        let mode: Int32 = switch choice {
        case nil: Int32(FT_CTF_READER_AUTO)
        case .native: Int32(FT_CTF_READER_NATIVE)
        case .babeltrace2: Int32(FT_CTF_READER_BABELTRACE2)
        }
        var cDirs = dirs.map { strdup($0) }
        defer { for p in cDirs { free(p) } }
        var missing: Int32 = 0
        let reader = cDirs.withUnsafeMutableBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: b.count) {
                ft_ctf_open($0, b.count, mode, &err, err.count, &missing)
            }
        }
        guard let reader else {
            if missing != 0 {
                throw CTFReadError(message: "reading this LTTng (CTF) trace needs libbabeltrace2 (Debian package libbabeltrace2-0), which is not installed: \(cText(err))", unavailable: true)
            }
            throw CTFReadError(message: cText(err))
        }
        decoder = ft_ctf_is_native(reader) != 0 ? .native : .babeltrace2
        handle = Handle(reader)
        try readHeader()
    }

    /// Directories holding a CTF `metadata` file, at `path` or below.
    public static func metadataDirectories(under path: String) throws -> [String] {
        let fm = FileManager.default
        var dirs: [String] = []
        if fm.fileExists(atPath: "\(path)/metadata") { dirs.append(path) }
        if let walker = fm.enumerator(atPath: path) {
            for case let entry as String in walker where (entry as NSString).lastPathComponent == "metadata" && entry != "metadata" {
                dirs.append("\(path)/\((entry as NSString).deletingLastPathComponent)")
            }
        }
        guard !dirs.isEmpty else {
            throw CTFReadError(message: "a directory, but no CTF trace: no `metadata` file in it or below it")
        }
        return dirs.sorted()
    }

    public func close() { handle.close() }

    public mutating func nextItem() throws -> TraceItem? {
        if !buffered.isEmpty {
            let (item, l) = buffered.removeFirst()
            lineNumber = l
            return item
        }
        let item = try read()
        lineNumber = line
        return item
    }

    /// Reads the device_config events that start the trace (and anything before the first
    /// vocabulary event, kept for nextItem).
    private mutating func readHeader() throws {
        var devices: [JSONValue] = []
        while !sawEvent, let item = try read(devices: &devices) { buffered.append((item, line)) }
        // The recording's QEMU version rides in each device_config object (LTTngSink.start).
        let qemu = devices.lazy.compactMap { $0["qemu"]?.stringValue }.first
        let plain = devices.map { d -> JSONValue in
            guard let members = d.objectValue else { return d }
            return .object(members.filter { $0.0 != "qemu" })
        }
        if !devices.isEmpty { header = TraceHeader(devices: plain, qemu: qemu) }
    }

    private mutating func read() throws -> TraceItem? {
        var none: [JSONValue] = []
        return try read(devices: &none)
    }

    /// Next replayable item; device_config events are added to `devices`.
    private mutating func read(devices: inout [JSONValue]) throws -> TraceItem? {
        if let r = heldRecord {
            heldRecord = nil
            return .record(r)
        }
        var item = ft_ctf_item()
        while true {
            guard let reader = handle.reader else { return nil }
            // The error buffer is the handle's: allocating 2 KiB per event cost more than decoding it.
            let rc = ft_ctf_next(reader, &item, handle.error, Handle.errorSize)
            switch try step(rc, item, devices: &devices) {
            case .item(let it): return it
            case .end: return nil
            case .again: continue
            }
        }
    }

    private enum Step { case item(TraceItem), end, again }

    /// What one ft_ctf_next result makes of the trace.
    private mutating func step(_ rc: Int32, _ item: ft_ctf_item, devices: inout [JSONValue]) throws -> Step {
        switch Int(rc) {
        case FT_CTF_END:
            return gaps.remainder().map { .item($0) } ?? .end
        case FT_CTF_DISCARDED:
            gaps.discarded(count: item.has_count != 0 ? item.count : 0,
                           from: item.has_range != 0 ? UInt64(clamping: item.begin_ns) : nil,
                           to: item.has_range != 0 ? UInt64(clamping: item.end_ns) : nil)
            return .again
        case FT_CTF_EVENT:
            line += 1
            guard let record = try event(item, devices: &devices) else { return .again }
            guard let gap = try gap(before: record.seq) else { return .item(.record(record)) }
            heldRecord = record
            return .item(gap)
        default:
            throw TraceFormatError(line: line, message: String(cString: handle.error))
        }
    }

    /// Replay's loop (RecordSource.forEachItem): a vocabulary event the C reader has read whole
    /// goes straight to `record`; anything else takes nextItem's way.
    public mutating func forEachItem(record body: (TraceRecord, Int) throws -> Void,
                                     gap gapBody: (_ count: UInt64, _ from: UInt64?, _ to: UInt64?, _ line: Int) throws -> Void) throws {
        var none: [JSONValue] = []
        var item = ft_ctf_item()
        while true {
            var next: TraceItem?
            if !buffered.isEmpty || heldRecord != nil {
                guard let it = try nextItem() else { return }
                next = it
            } else {
                guard let reader = handle.reader else { return }
                let rc = ft_ctf_next(reader, &item, handle.error, Handle.errorSize)
                if rc == FT_CTF_EVENT, let record = wholeRecord(item) {
                    line += 1
                    lineNumber = line
                    if case .gap(let count, let from, let to)? = try gap(before: record.seq) { try gapBody(count, from, to, line) }
                    try body(record, line)
                    continue
                }
                switch try step(rc, item, devices: &none) {
                case .item(let it): next = it
                case .end: return
                case .again: continue
                }
                lineNumber = line
            }
            switch next! {
            case .record(let r): try body(r, lineNumber)
            case .gap(let count, let from, let to): try gapBody(count, from, to, lineNumber)
            }
        }
    }

    /// The record of a vocabulary event the C reader has read whole (no text, every value in
    /// range), or nil for anything else.
    @inline(__always)
    private mutating func wholeRecord(_ item: ft_ctf_item) -> TraceRecord? {
        guard item.kind >= 0, item.bad_arg < 0, item.has_text == 0, let dev = item.values.dev,
              let kind = EventKind(rawValue: UInt8(truncatingIfNeeded: item.kind)) else { return nil }
        sawEvent = true
        let v = item.values
        return TraceRecord(seq: v.seq, ts: v.ts == .max ? nil : v.ts, device: device(dev),
                           event: FlashEvent(kind, v.arg.0, v.arg.1, v.arg.2, v.arg.3, v.arg.4))
    }

    /// The gap to report before the record numbered `seq` (CTFGapPlacer), at the current line.
    private mutating func gap(before seq: UInt64) throws -> TraceItem? {
        do { return try gaps.gap(before: seq) } catch { throw TraceFormatError(line: line, message: error.message) }
    }

    private mutating func event(_ item: ft_ctf_item, devices: inout [JSONValue]) throws -> TraceRecord? {
        do {
            // The common case: a vocabulary event the C reader has already read.
            if let record = wholeRecord(item) { return record }
            if item.kind >= 0, let kind = EventKind(rawValue: UInt8(truncatingIfNeeded: item.kind)) {
                // Its text, or a value out of range, is left to the map.
                sawEvent = true
                guard item.values.dev != nil, let map = maps[item.event_class!] else { throw CTFMapError("event without payload") }
                let e = try map.event(kind, item: item, reader: handle.reader, texts: &texts)
                let v = item.values
                return TraceRecord(seq: v.seq, ts: v.ts == .max ? nil : v.ts, device: device(v.dev), event: e)
            }
            let cls = item.event_class!
            let map: CTFEventMap
            if let m = maps[cls] { map = m } else {
                map = try CTFEventMap(name: String(cString: item.name), payload: item.payload, reader: handle.reader)
                maps[cls] = map
                var layout = map.layout
                guard ft_ctf_register(handle.reader, cls, map.registeredKind, &layout) == 0 else { throw CTFMapError("out of memory") }
            }
            guard let payload = item.payload else {
                if case .foreign = map.role { skippedLines += 1; return nil }
                throw CTFMapError("event without payload")
            }
            switch map.role {
            case .foreign:
                skippedLines += 1
                return nil
            case .deviceConfig:
                let name = String(cString: ft_ctf_member_string(handle.reader, payload, UInt64(map.dev)))
                if sawEvent {
                    throw CTFMapError("device_config for \(name) after the first event: the trace holds more than one recording (give each run its own session)")
                }
                let text = String(cString: ft_ctf_member_string(handle.reader, payload, UInt64(map.config)))
                do { devices.append(try JSONValue.parse(text)) } catch {
                    throw CTFMapError("device_config for \(name): \(error)")
                }
                return nil
            case .vocabulary(let kind):
                // First event of its class: read here with the layout just registered.
                sawEvent = true
                var layout = map.layout
                var read = item
                read.bad_arg = ft_ctf_read_event(handle.reader, payload, &layout, &read.values)
                let e = try map.event(kind, item: read, reader: handle.reader, texts: &texts)
                let v = read.values
                return TraceRecord(seq: v.seq, ts: v.ts == .max ? nil : v.ts, device: device(v.dev), event: e)
            }
        } catch let e as CTFMapError {
            throw TraceFormatError(line: line, message: e.message)
        }
    }

    private mutating func device(_ c: UnsafePointer<CChar>) -> String {
        // Runs of one device are the rule: try the previous one first.
        if lastDevice >= 0, strcmp(deviceNames[lastDevice].0, c) == 0 { return deviceNames[lastDevice].1 }
        for (i, (bytes, name)) in deviceNames.enumerated() where strcmp(bytes, c) == 0 {
            lastDevice = i
            return name
        }
        let name = String(cString: c)
        deviceNames.append((Array(UnsafeBufferPointer(start: c, count: strlen(c) + 1)), name))
        lastDevice = deviceNames.count - 1
        return name
    }
}

/// The NUL-terminated text of a C error buffer.
func cText(_ buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

public struct CTFReadError: Error, CustomStringConvertible {
    public var message: String
    /// The machine lacks libbabeltrace2 (as opposed to a bad trace).
    public var unavailable = false
    public var description: String { message }
}

/// Owns the C reader; copies of the struct share it.
private final class Handle {
    private(set) var reader: OpaquePointer?
    static let errorSize = 2048
    /// ft_ctf_next's error message buffer.
    let error = UnsafeMutablePointer<CChar>.allocate(capacity: Handle.errorSize)
    init(_ reader: OpaquePointer) {
        self.reader = reader
        error.initialize(repeating: 0, count: Handle.errorSize)
    }
    func close() {
        if let reader { ft_ctf_close(reader) }
        reader = nil
    }
    deinit {
        close()
        error.deallocate()
    }
}
