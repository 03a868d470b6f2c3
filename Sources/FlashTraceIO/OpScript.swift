// Op scripts: QEMU qtest words, one operation a line (spec §11, qtest-cases.md §0).
//   writeb|writew|writel|writeq ADDR VALUE     readb|readw|readl|readq ADDR
//   clock_step [NS]                            system_reset
// `#` starts a comment. Golden files annotate reads with `# => VALUE` (what QEMU returned) and
// carry `# device: <--device spec>` header lines; both are kept.

public struct Op: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case write(addr: UInt64, size: Int, value: UInt64)
        case read(addr: UInt64, size: Int, expected: UInt64?)
        case clockStep(UInt64?)
        case systemReset
    }
    public var kind: Kind
    /// 1-based line in the script.
    public var line: Int
}

public struct OpScript: Sendable {
    public var ops: [Op] = []
    /// `# device:` header lines, in `--device` syntax.
    public var deviceSpecs: [String] = []
    public var name: String

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    static let sizes: [Character: Int] = ["b": 1, "w": 2, "l": 4, "q": 8]

    public init(text: String, name: String) throws {
        self.name = name
        var lineNumber = 0
        // Lines, comments and words are split on Unicode scalars, not Characters: "\r\n" is one
        // Character (a CRLF file would be one line), and a combining or prepended mark can merge
        // with a separator into one Character.
        for scalars in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let rawLine = Substring(scalars)
            var code = rawLine
            var comment: Substring = ""
            if let hash = scalars.firstIndex(of: "#") {
                code = Substring(scalars[..<hash])
                comment = Substring(scalars[scalars.index(after: hash)...])
            }
            let trimmedComment = comment.drop { $0 == " " }
            if code.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
                if trimmedComment.hasPrefix("device:") {
                    deviceSpecs.append(trimmedComment.dropFirst(7).trimmingSpaces())
                }
                continue
            }
            let words = code.unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(Substring.init)
            func fail(_ message: String) -> ParseError { ParseError(file: name, line: lineNumber, message: message) }
            func number(_ i: Int, _ what: String) throws -> UInt64 {
                guard i < words.count else { throw fail("\(words[0]): missing \(what)") }
                guard let v = parseNumber(words[i], allowSuffix: false) else {
                    throw fail("\(words[0]): expected \(what) as a decimal or 0x hex number, got \"\(words[i])\"")
                }
                return v
            }
            let verb = words[0]
            let op: Op.Kind
            if (verb.hasPrefix("write") || verb.hasPrefix("read")) && verb.count == (verb.hasPrefix("write") ? 6 : 5),
               let size = OpScript.sizes[verb.last!] {
                let addr = try number(1, "address")
                if verb.hasPrefix("write") {
                    let value = try number(2, "value")
                    // qtest truncates wider values to the access size; so do we (bus write).
                    if words.count > 3 { throw fail("\(verb): expected ADDR VALUE, got extra \"\(words[3])\"") }
                    op = .write(addr: addr, size: size, value: value)
                } else {
                    if words.count > 2 { throw fail("\(verb): expected ADDR, got extra \"\(words[2])\"") }
                    var expected: UInt64?
                    if trimmedComment.hasPrefix("=>") {
                        expected = parseNumber(trimmedComment.dropFirst(2).trimmingSpaces()[...], allowSuffix: false)
                    }
                    op = .read(addr: addr, size: size, expected: expected)
                }
            } else if verb == "clock_step" {
                op = .clockStep(words.count > 1 ? try number(1, "nanoseconds") : nil)
            } else if verb == "system_reset" {
                op = .systemReset
            } else {
                throw fail("unknown operation \"\(verb)\"; expected writeb|writew|writel|writeq ADDR VALUE, "
                           + "readb|readw|readl|readq ADDR, clock_step [NS] or system_reset")
            }
            ops.append(Op(kind: op, line: lineNumber))
        }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
