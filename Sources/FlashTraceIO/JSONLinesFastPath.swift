// The reader's fast path: accepts only lines exactly as JSONLinesWriter writes them (canonical
// key order, no whitespace, no escapes, ASCII strings, in-range integers without leading zeros)
// and returns false on anything else. It never reports errors: every line it declines goes to the
// general parser, which produces the results and the error messages, so both paths agree.

import FlashEvents

/// What a canonical line holds, filled in place by scanCanonical (plain fields, no optionals:
/// the reader keeps one and reuses it, rather than a large optional result per line).
struct CanonicalEventLine {
    var seq: UInt64 = 0
    var ts: UInt64 = 0
    var hasTs = false
    /// The device name's bytes in the line.
    var deviceStart = 0, deviceEnd = 0
    /// The device name is the one the caller passed as `previousDevice`.
    var sameDevice = false
    /// Integer arguments filled in; the text is left to the caller (`textStart..<textEnd`).
    var event = FlashEvent(.reset)
    var hasText = false
    var textStart = 0, textEnd = 0
}

extension JSONLinesSchema {
    /// `p` is one line (without its newline).
    @inline(__always)
    func scanCanonical(_ p: UnsafeBufferPointer<UInt8>, names: EventNameLookup,
                       previousDevice: UnsafeBufferPointer<UInt8>, into out: inout CanonicalEventLine) -> Bool {
        let last = scanCanonicalObject(p, names: names, previousDevice: previousDevice, into: &out)
        return last >= 0 && last + 1 == p.count
    }

    /// `p` is the reader's buffer from a line's start on (more lines may follow): the length of
    /// the line with its newline when it is canonical, else 0. Scanning the buffer directly
    /// spares the separate search for the newline: a canonical line holds none (its strings
    /// have no control bytes) and every step stops at a structural byte, so the scan ends on
    /// the line's closing brace exactly when the line alone would be accepted.
    @inline(__always)
    func scanCanonicalLine(inBuffer p: UnsafeBufferPointer<UInt8>, names: EventNameLookup,
                           previousDevice: UnsafeBufferPointer<UInt8>, into out: inout CanonicalEventLine) -> Int {
        let last = scanCanonicalObject(p, names: names, previousDevice: previousDevice, into: &out)
        guard last >= 0, last + 1 < p.count, p[last + 1] == UInt8(ascii: "\n") else { return 0 }
        return last + 2
    }

    /// The index of the closing brace of the canonical event object at the start of `p`, or -1.
    /// `previousDevice`: the previous line's device name followed by `","event":"` (or empty);
    /// traces run long stretches on one device, and one comparison then covers both.
    private func scanCanonicalObject(_ p: UnsafeBufferPointer<UInt8>, names: EventNameLookup,
                                     previousDevice: UnsafeBufferPointer<UInt8>, into out: inout CanonicalEventLine) -> Int {
        var i = 0
        guard p.count > 0, match(p, &i, seqFragment), let seq = canonicalInteger(p, &i) else { return -1 }
        out.seq = seq
        out.hasTs = false
        if match(p, &i, tsFragment) {
            guard let t = canonicalInteger(p, &i) else { return -1 }
            out.ts = t
            out.hasTs = true
        }
        guard match(p, &i, devFragment) else { return -1 }
        out.deviceStart = i
        if previousDevice.count > 0, p.count - i >= previousDevice.count,
           ByteText.equalBytes(p.baseAddress! + i, previousDevice.baseAddress!, previousDevice.count) {
            // Those bytes passed plainString on an earlier line, so they would here.
            out.deviceEnd = i + previousDevice.count - eventKeyFragment.count
            i += previousDevice.count
            out.sameDevice = true
        } else {
            guard let d = plainString(p, &i) else { return -1 }
            // plainString stops on the closing quote, which starts `","event":"`.
            guard match(p, &i, eventKeyFragment) else { return -1 }
            out.deviceEnd = d.upperBound
            out.sameDevice = false
        }
        let kind: EventKind
        if let k = knownName(p, &i) {
            kind = k
        } else {
            guard let nameRange = plainString(p, &i),
                  let k = names.kind(UnsafeBufferPointer(rebasing: p[nameRange])) else { return -1 }
            i += 1
            kind = k
        }

        out.event = FlashEvent(kind)
        out.hasText = false
        let kindIndex = Int(kind.rawValue)
        for k in 0..<argumentCounts[kindIndex] {
            guard matchKey(p, &i, kind: kindIndex, argument: k) else { return -1 }
            if types[kindIndex * JSONLinesSchema.maxArguments + k] == .string {
                guard i < p.count, p[i] == UInt8(ascii: "\"") else { return -1 }
                i += 1
                guard let t = plainString(p, &i) else { return -1 }
                i += 1
                out.textStart = t.lowerBound
                out.textEnd = t.upperBound
                out.hasText = true
            } else {
                guard let v = canonicalInteger(p, &i), v <= maxima[kindIndex * JSONLinesSchema.maxArguments + k] else {
                    return -1
                }
                out.event[argument: k] = v
            }
        }
        return i < p.count && p[i] == UInt8(ascii: "}") ? i : -1
    }
}

/// Digits without a leading zero (except "0" itself), within 64 bits.
@inline(__always)
private func canonicalInteger(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> UInt64? {
    // Every integer but a line's last has at least eight bytes of line after its start: those
    // are parsed eight digits at a time; the last one (`"wcycle":0}`) is short anyway.
    if p.count - i >= 8 {
        let raw = UnsafeRawPointer(p.baseAddress! + i)
        let x = raw.loadUnaligned(as: UInt64.self)
        let n = ByteText.leadingDigits(x)
        if n < 8 {
            guard n > 0, n == 1 || x & 0xFF != 0x30 else { return nil }
            i += n
            return ByteText.parseDigits(x, count: n)
        }
        // Eight digits and more: the first eight, then at most eleven more (twenty digits
        // and up go the checked way).
        guard x & 0xFF != 0x30, p.count - i >= 16 else { return checkedInteger(p, &i) }
        let y = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        let m = ByteText.leadingDigits(y)
        guard m < 8 else { return checkedInteger(p, &i) }
        i += 8 + m
        let high = ByteText.parseDigits(x, count: 8)
        return m == 0 ? high : high &* ByteText.powerOfTen(m) &+ ByteText.parseDigits(y, count: m)
    }
    return checkedInteger(p, &i)
}

/// Digit by digit, with overflow checks.
@inline(never)
private func checkedInteger(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> UInt64? {
    let start = i
    var value: UInt64 = 0
    while i < p.count, p[i] &- 0x30 < 10 {
        let (m, o1) = value.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.addingReportingOverflow(UInt64(p[i] &- 0x30))
        if o1 || o2 { return nil }
        value = s
        i += 1
    }
    if i == start || (p[start] == UInt8(ascii: "0") && i - start > 1) { return nil }
    return value
}

/// String contents up to the closing quote (left at `i`), when they need no unescaping and are ASCII.
@inline(__always)
private func plainString(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Range<Int>? {
    let start = i
    // Eight bytes at a time while none is a quote, a backslash, a control byte or non-ASCII.
    let raw = UnsafeRawPointer(p.baseAddress!)
    while i + 8 <= p.count {
        let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = x ^ (ones &* 0x22), backslash = x ^ (ones &* 0x5C)
        let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (x &- ones &* 0x20) | x
        if special & highs != 0 { break }
        i += 8
    }
    while i < p.count {
        let c = p[i]
        if c == UInt8(ascii: "\"") { return start..<i }
        if c < 0x20 || c >= 0x80 || c == UInt8(ascii: "\\") { return nil }
        i += 1
    }
    return nil
}
