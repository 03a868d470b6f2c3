// The QEMU templates (QemuLogFormat.swift) flattened for the parser's per-line loop: the same
// segments, as plain values in memory allocated once and never freed. Walking `[QemuSegment]`
// retained the template, its segment array and every literal on each line; this costs nothing
// but loads, also when `replay --jobs` parses on several threads.

import FlashEvents

struct QemuParsePlan: @unchecked Sendable {
    enum Code: UInt8 { case literal, hex, hexStarWidth, unsigned, signed, text }

    struct Op {
        var code: Code
        /// Argument index (the value's, for hexStarWidth).
        var arg: Int
        /// hexStarWidth: the argument that receives the digit count.
        var widthArg: Int
        /// literal: bytes in `literals`.
        var start: Int
        var count: Int
    }

    /// Per kind (EventKind.rawValue): its ops in `ops`.
    let ranges: UnsafeMutableBufferPointer<(first: Int, count: Int)>
    let ops: UnsafeMutableBufferPointer<Op>
    /// Every literal, followed by eight bytes of padding.
    let literals: UnsafeMutableBufferPointer<UInt8>
    /// `pflash_`
    let prefix: Op

    static let shared = QemuParsePlan()

    private init() {
        var all: [UInt8] = []
        var list: [Op] = []
        var table: [(first: Int, count: Int)] = []
        func literal(_ bytes: [UInt8]) -> Op {
            defer { all += bytes }
            return Op(code: .literal, arg: 0, widthArg: 0, start: all.count, count: bytes.count)
        }
        prefix = literal(Array("pflash_".utf8))
        for template in QemuTemplate.table {
            let first = list.count
            for segment in template.segments {
                switch segment {
                case .literal(let bytes): list.append(literal(bytes))
                case .hex(let arg, _): list.append(Op(code: .hex, arg: arg, widthArg: 0, start: 0, count: 0))
                case .hexStarWidth(let widthArg, let arg):
                    list.append(Op(code: .hexStarWidth, arg: arg, widthArg: widthArg, start: 0, count: 0))
                case .unsigned(let arg): list.append(Op(code: .unsigned, arg: arg, widthArg: 0, start: 0, count: 0))
                case .signed(let arg): list.append(Op(code: .signed, arg: arg, widthArg: 0, start: 0, count: 0))
                case .text: list.append(Op(code: .text, arg: 0, widthArg: 0, start: 0, count: 0))
                }
            }
            table.append((first, list.count - first))
        }
        all += [UInt8](repeating: 0, count: 8)
        literals = .allocate(capacity: all.count)
        _ = literals.initialize(from: all)
        ops = .allocate(capacity: list.count)
        _ = ops.initialize(from: list)
        ranges = .allocate(capacity: table.count)
        _ = ranges.initialize(from: table)
    }

    /// The literal of `op` matches `p` at `i`.
    @inline(__always)
    func matches(_ p: UnsafeBufferPointer<UInt8>, at i: Int, _ op: Op) -> Bool {
        ByteText.startsWith(p.baseAddress! + i, available: p.count - i,
                            fragment: UnsafePointer(literals.baseAddress! + op.start), count: op.count)
    }

    func literalBytes(_ op: Op) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: literals.baseAddress! + op.start, count: op.count)
    }
}
