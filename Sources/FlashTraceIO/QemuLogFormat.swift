// QEMU's `log` trace backend output (spec §1.4, §5): each event's printf template from
// EventSpec.qemuFormat, compiled once into segments that both the formatter and the parser walk,
// so the two can never disagree about a template.

import FlashEvents

/// One piece of a compiled template. `arg` indexes the event's declared arguments.
enum QemuSegment: Sendable {
    case literal([UInt8])
    /// `%x`, `%02x`, `%04x`, `%016x`: lowercase hex, at least `width` digits.
    case hex(arg: Int, width: Int)
    /// `%0*x`: the width is the preceding `int` argument, which is therefore never printed itself.
    case hexStarWidth(widthArg: Int, arg: Int)
    /// `%u`
    case unsigned(arg: Int)
    /// `%d`: arguments are stored unsigned and range-checked (int32 ≤ 0x7fffffff), so no sign.
    case signed(arg: Int)
    /// `%s`: FlashEvent.text (the device-name `%s` is outside qemuFormat).
    case text
}

struct QemuTemplate: Sendable {
    let kind: EventKind
    /// `pflash_io_write`
    let qemuName: [UInt8]
    let segments: [QemuSegment]

    /// Indexed by EventKind.rawValue.
    static let table: [QemuTemplate] = EventKind.allCases.map { QemuTemplate(compiling: $0) }

    init(compiling kind: EventKind) {
        self.kind = kind
        qemuName = Array("pflash_\(kind.spec.qemuEventName)".utf8)
        let format = Array(kind.spec.qemuFormat.utf8)
        var segments: [QemuSegment] = []
        var literal: [UInt8] = []
        var nextArg = 0
        var i = 0
        func flush() {
            if !literal.isEmpty { segments.append(.literal(literal)); literal = [] }
        }
        while i < format.count {
            let c = format[i]
            i += 1
            guard c == UInt8(ascii: "%") else { literal.append(c); continue }
            if format[i] == UInt8(ascii: "%") { literal.append(c); i += 1; continue }
            flush()
            var width = 0
            var starWidth = false
            if format[i] == UInt8(ascii: "0") { i += 1 }
            if format[i] == UInt8(ascii: "*") {
                starWidth = true
                i += 1
            } else {
                while (0x30...0x39).contains(format[i]) { width = width * 10 + Int(format[i] - 0x30); i += 1 }
            }
            let conversion = format[i]
            i += 1
            switch conversion {
            case UInt8(ascii: "x") where starWidth:
                segments.append(.hexStarWidth(widthArg: nextArg, arg: nextArg + 1))
                nextArg += 2
            case UInt8(ascii: "x"):
                segments.append(.hex(arg: nextArg, width: width))
                nextArg += 1
            case UInt8(ascii: "u"):
                segments.append(.unsigned(arg: nextArg))
                nextArg += 1
            case UInt8(ascii: "d"):
                segments.append(.signed(arg: nextArg))
                nextArg += 1
            case UInt8(ascii: "s"):
                segments.append(.text)
                nextArg += 1
            default:
                preconditionFailure("unsupported conversion in \(kind.name)'s template")
            }
        }
        flush()
        precondition(nextArg == kind.spec.args.count, "\(kind.name): template and arguments disagree")
        self.segments = segments
    }

    /// Appends the formatted arguments (everything after `DEVICE: `).
    func appendArguments(of event: FlashEvent, to out: inout [UInt8]) {
        for segment in segments {
            switch segment {
            case .literal(let bytes): out.append(contentsOf: bytes)
            case .hex(let arg, let width): ByteText.appendHex(event[argument: arg], minWidth: width, to: &out)
            case .hexStarWidth(let widthArg, let arg):
                // C passes the width as an int: a "negative" stored value means left-justify, which
                // never happens here; treat anything beyond int range as no padding.
                let w = event[argument: widthArg]
                ByteText.appendHex(event[argument: arg], minWidth: w <= 0x7FFF_FFFF ? Int(w) : 0, to: &out)
            case .unsigned(let arg), .signed(let arg): ByteText.appendDecimal(event[argument: arg], to: &out)
            case .text: out.append(contentsOf: event.text.utf8)
            }
        }
    }
}

/// Appends one QEMU log line (no newline). With `tid` and `ts` (ns) both given it gets the
/// `-msg timestamp=on` prefix `TID@SEC.USEC:`; ts is truncated to microseconds as QEMU prints it.
public func appendQemuLogLine(device: String, event: FlashEvent, tid: UInt64? = nil, ts: UInt64? = nil,
                              to out: inout [UInt8]) {
    if let tid, let ts {
        ByteText.appendDecimal(tid, to: &out)
        out.append(UInt8(ascii: "@"))
        ByteText.appendDecimal(ts / 1_000_000_000, to: &out)
        out.append(UInt8(ascii: "."))
        let micros = (ts % 1_000_000_000) / 1000
        var scale: UInt64 = 100_000
        while scale > 0 { out.append(0x30 + UInt8(micros / scale % 10)); scale /= 10 }
        out.append(UInt8(ascii: ":"))
    }
    let template = QemuTemplate.table[Int(event.kind.rawValue)]
    out.append(contentsOf: template.qemuName)
    out.append(UInt8(ascii: " "))
    out.append(contentsOf: device.utf8)
    out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
    template.appendArguments(of: event, to: &out)
}

/// One QEMU log line, e.g. `pflash_io_write virt.flash1: offset:0x0000 size:4 value:0x900090 wcycle:0`.
public func qemuLogLine(device: String, event: FlashEvent, tid: UInt64? = nil, ts: UInt64? = nil) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(96)
    appendQemuLogLine(device: device, event: event, tid: tid, ts: ts, to: &out)
    return String(decoding: out, as: UTF8.self)
}

/// Whether two events print identically in a QEMU log. A parsed `sector_erase_start` carries the
/// printed digit count as its widths (the true width is not in the text when the value is wider),
/// so compare model output against a parsed log with this rather than `==`.
public func qemuLogEquivalent(_ a: FlashEvent, _ b: FlashEvent) -> Bool {
    guard a.kind == b.kind else { return false }
    var x: [UInt8] = [], y: [UInt8] = []
    let template = QemuTemplate.table[Int(a.kind.rawValue)]
    template.appendArguments(of: a, to: &x)
    template.appendArguments(of: b, to: &y)
    return x == y
}
