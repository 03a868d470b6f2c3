// Parses QEMU log lines back into events by walking the same compiled templates the formatter
// uses (QemuLogFormat.swift): literals must match byte for byte, conversions scan numbers.
// Hand-written rather than Regex: the spec's regex (§1.4) is the contract, this is the speed.

import FlashEvents

/// One parsed pflash line.
public struct QemuLogEntry: Equatable, Sendable {
    /// OS thread id from the `-msg timestamp=on` prefix.
    public var tid: UInt64?
    /// Wall clock from the prefix in ns (seconds·10⁹ + microseconds·10³).
    public var ts: UInt64?
    public var device: String
    public var event: FlashEvent

    public init(tid: UInt64?, ts: UInt64?, device: String, event: FlashEvent) {
        self.tid = tid; self.ts = ts; self.device = device; self.event = event
    }
}

public enum QemuLogParseResult: Equatable, Sendable {
    case event(QemuLogEntry)
    /// Not a pflash trace line: other trace events, `-d unimp` text (`pflash_write: Unimplemented…`),
    /// blank lines. Callers skip and count these.
    case notAnEvent
    /// Shaped like `pflash_NAME DEV: …` but NAME is not a QEMU 7.2.22 pflash event (other
    /// QEMU versions, e.g. 7.2.0's `pflash_write_block`). Carries the full QEMU name.
    case unknownEvent(String)
}

/// Parses single QEMU log lines. A value type with caches (device names, texts), so keep one per
/// input stream and reuse it. Malformed lines of known events throw `TraceFormatError`.
public struct QemuLogParser: Sendable {
    private var devices = StringInterner(limit: 32)
    private var texts = StringInterner(limit: 256)
    private let plan = QemuParsePlan.shared
    private let names = EventNameLookup.shared
    /// Argument types by kind (flat, ARC-free; shared with the JSON-lines fast path).
    nonisolated(unsafe) private let types = JSONLinesSchema.shared.types  // read-only after init

    public init() {}

    public mutating func parse(_ line: String, lineNumber: Int = 0) throws -> QemuLogParseResult {
        try parse(Substring(line), lineNumber: lineNumber)
    }

    public mutating func parse(_ line: Substring, lineNumber: Int = 0) throws -> QemuLogParseResult {
        if let result = try line.utf8.withContiguousStorageIfAvailable({ try parse(bytes: $0, lineNumber: lineNumber) }) {
            return result
        }
        let copy = Array(line.utf8)
        return try copy.withUnsafeBufferPointer { try parse(bytes: $0, lineNumber: lineNumber) }
    }

    /// `bytes` is one line without its newline.
    public mutating func parse(bytes p: UnsafeBufferPointer<UInt8>, lineNumber: Int = 0) throws -> QemuLogParseResult {
        let n = p.count
        var i = 0
        var tid: UInt64?
        var ts: UInt64?
        var prefixOverflow = false

        // `TID@SEC.USEC:` — anything that does not fit the regex's prefix makes this "not an event".
        if n > 0 && isDigit(p[0]) {
            guard let t = scanDecimal(p, &i, &prefixOverflow), i < n, p[i] == UInt8(ascii: "@") else { return .notAnEvent }
            i += 1
            guard let sec = scanDecimal(p, &i, &prefixOverflow), i < n, p[i] == UInt8(ascii: ".") else { return .notAnEvent }
            i += 1
            let usecStart = i
            guard let usec = scanDecimal(p, &i, &prefixOverflow), i - usecStart == 6,
                  i < n, p[i] == UInt8(ascii: ":") else { return .notAnEvent }
            i += 1
            let (secNs, o1) = sec.multipliedReportingOverflow(by: 1_000_000_000)
            let (sum, o2) = secNs.addingReportingOverflow(usec * 1000)
            prefixOverflow = prefixOverflow || o1 || o2
            tid = t
            ts = sum
        }

        // `pflash_NAME ` with NAME in [a-z0-9_]+
        guard plan.matches(p, at: i, plan.prefix) else { return .notAnEvent }
        let nameStart = i + 7
        var j = nameStart
        while j < n && isNameByte(p[j]) { j += 1 }
        guard j > nameStart, j < n, p[j] == UInt8(ascii: " ") else { return .notAnEvent }
        let nameBytes = UnsafeBufferPointer(rebasing: p[nameStart..<j])

        // `DEV: ` = a run of non-space bytes ending in ':' followed by one space (regex `(\S+): `).
        let devStart = j + 1
        var k = devStart
        while k < n && !isSpace(p[k]) { k += 1 }
        guard k - devStart >= 2, p[k - 1] == UInt8(ascii: ":"), k < n, p[k] == UInt8(ascii: " ") else {
            return .notAnEvent
        }
        guard var kind = names.kind(nameBytes) else {
            return .unknownEvent("pflash_" + ByteText.string(nameBytes))
        }
        // QEMU before the update buffer logged data_write with a fifth argument: the same name.
        if kind == .dataWrite, find(Self.counterField, in: p, from: k) != nil { kind = .dataWriteCounted }
        func fail(_ message: String) -> TraceFormatError {
            TraceFormatError(line: lineNumber, message: "pflash_\(kind.name): \(message)")
        }
        if prefixOverflow { throw fail("timestamp prefix out of range") }
        let devBytes = UnsafeBufferPointer(rebasing: p[devStart..<(k - 1)])
        // A name seen before was valid then; only new names need the UTF-8 check.
        guard let device = devices.known(devBytes) ?? validatedDevice(devBytes) else {
            throw fail("invalid UTF-8 in device name")
        }

        var event = FlashEvent(kind)
        try parseArguments(p, from: k + 1, kind: kind, into: &event, fail: fail)
        return .event(QemuLogEntry(tid: tid, ts: ts, device: device, event: event))
    }

    private nonisolated(unsafe) static let counterField: UnsafeBufferPointer<UInt8> = {  // immutable once made
        let bytes = Array(" counter:".utf8)
        let p = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = p.initialize(from: bytes)
        return UnsafeBufferPointer(p)
    }()

    private mutating func validatedDevice(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if ByteText.firstInvalidUTF8(bytes) != nil { return nil }
        return devices.string(for: bytes)
    }

    private mutating func parseArguments(_ p: UnsafeBufferPointer<UInt8>, from start: Int, kind: EventKind,
                                         into event: inout FlashEvent,
                                         fail: (String) -> TraceFormatError) throws {
        let (first, count) = plan.ranges[Int(kind.rawValue)]
        let n = p.count
        var i = start
        /// The argument parsed last (-1: the text), for "expected X after Y" messages.
        var previousArg: Int?
        var previous: String? {
            previousArg.map { $0 < 0 ? "text" : kind.spec.args[$0].name }
        }

        for index in first..<(first + count) {
            let op = plan.ops[index]
            switch op.code {
            case .literal:
                if !plan.matches(p, at: i, op) {
                    let shown = String(decoding: plan.literalBytes(op), as: UTF8.self)
                    let trimmed = shown.trimmingCharacters(" ")
                    let what = "expected \"\(trimmed.isEmpty ? shown : trimmed)\""
                    throw fail(previous.map { "\(what) after \($0)" } ?? what)
                }
                i += op.count
            case .hex:
                event[argument: op.arg] = try scanHexArgument(p, &i, kind, op.arg, fail)
                previousArg = op.arg
            case .hexStarWidth:
                let digitsStart = i
                event[argument: op.arg] = try scanHexArgument(p, &i, kind, op.arg, fail)
                // The width is not printed; the digit count reproduces the text exactly (see qemuLogEquivalent).
                event[argument: op.widthArg] = UInt64(i - digitsStart)
                previousArg = op.arg
            case .unsigned, .signed:
                var overflow = false
                let digitsStart = i
                let value = scanDecimal(p, &i, &overflow)
                guard let value else { throw fail("expected decimal digits for \(kind.spec.args[op.arg].name)") }
                if overflow || value > types[Int(kind.rawValue) * JSONLinesSchema.maxArguments + op.arg].maxValue {
                    let spec = kind.spec.args[op.arg]
                    let text = ByteText.string(UnsafeBufferPointer(rebasing: p[digitsStart..<i]))
                    throw fail("\(spec.name) \(text) does not fit \(spec.type.displayName)")
                }
                event[argument: op.arg] = value
                previousArg = op.arg
            case .text:
                var end = n
                if index + 1 < first + count, plan.ops[index + 1].code == .literal {
                    end = find(plan.literalBytes(plan.ops[index + 1]), in: p, from: i) ?? n
                }
                let bytes = UnsafeBufferPointer(rebasing: p[i..<end])
                if ByteText.firstInvalidUTF8(bytes) != nil { throw fail("invalid UTF-8 in text") }
                event.textID = texts.eventText(for: bytes)
                i = end
                previousArg = -1
            }
        }
        if i != n {
            let rest = ByteText.string(UnsafeBufferPointer(rebasing: p[i..<min(n, i + 40)]))
            throw fail("unexpected \"\(rest)\" after \(previous ?? "the text")")
        }
    }

    private func scanHexArgument(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ kind: EventKind, _ arg: Int,
                                 _ fail: (String) -> TraceFormatError) throws -> UInt64 {
        let start = i
        var value: UInt64 = 0
        var overflow = false
        while i < p.count {
            let c = p[i]
            let digit: UInt8
            if c &- 0x30 < 10 { digit = c &- 0x30 } else if c &- 0x61 < 6 { digit = c &- 0x61 &+ 10 } else { break }
            if value >> 60 != 0 { overflow = true }
            value = value << 4 | UInt64(digit)
            i += 1
        }
        if i == start { throw fail("expected hex digits for \(kind.spec.args[arg].name)") }
        if overflow || value > types[Int(kind.rawValue) * JSONLinesSchema.maxArguments + arg].maxValue {
            let spec = kind.spec.args[arg]
            let text = ByteText.string(UnsafeBufferPointer(rebasing: p[start..<i]))
            throw fail("\(spec.name) 0x\(text) does not fit \(spec.type.displayName)")
        }
        return value
    }
}

@inline(__always) private func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

@inline(__always) private func isNameByte(_ c: UInt8) -> Bool {
    c &- 0x61 < 26 || c &- 0x30 < 10 || c == UInt8(ascii: "_")
}

/// Regex `\s`: space, \t, \n, \v, \f, \r.
@inline(__always) private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c &- 0x09 < 5 }

/// Decimal digits at `i`; nil when there are none. Sets `overflow` beyond UInt64.
@inline(__always)
private func scanDecimal(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ overflow: inout Bool) -> UInt64? {
    let start = i
    var value: UInt64 = 0
    while i < p.count, p[i] &- 0x30 < 10 {
        let (m, o1) = value.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.addingReportingOverflow(UInt64(p[i] &- 0x30))
        if o1 || o2 { overflow = true }
        value = s
        i += 1
    }
    return i == start ? nil : value
}

private func find(_ needle: UnsafeBufferPointer<UInt8>, in p: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    guard !needle.isEmpty, p.count - from >= needle.count else { return nil }
    for s in from...(p.count - needle.count) where p[s] == needle[0] {
        if ByteText.equalBytes(p.baseAddress! + s, needle.baseAddress!, needle.count) { return s }
    }
    return nil
}

extension String {
    fileprivate func trimmingCharacters(_ c: Character) -> String {
        String(drop { $0 == c }.reversed().drop { $0 == c }.reversed())
    }
}
