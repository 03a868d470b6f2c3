import FlashModel

// A QEMU command line as `flashtrace record -- …` receives it: where the qemu-system binary is
// (it may follow a wrapper such as `expect drive.exp`), the machine, the pflash drives, and the
// user's own -trace/-D/-msg options, so tracing can be added without breaking them.

public struct QEMUCommand: Sendable {
    public struct Drive: Sendable, Equatable {
        public var file: String
        public var readonly: Bool
        /// pflash unit: the order of `-drive if=pflash`, or `unit=`, or the `pflashN` machine property.
        public var unit: Int

        public init(file: String, readonly: Bool, unit: Int) {
            self.file = file; self.readonly = readonly; self.unit = unit
        }
    }

    public var argv: [String]
    /// Index of the qemu-system-* word in argv.
    public let qemuIndex: Int
    public var machine: String?
    public var drives: [Drive] = []
    /// `-bios FILE`: on `virt` without a pflash0 drive, QEMU loads it into flash0, which is then
    /// writable RAM holding the file followed by zeros (hw/arm/virt.c, virt_firmware_init).
    public var bios: String?
    /// The user's `-D` log file, if any (then flashtrace reads the events from it).
    public var userLog: String?
    public var hasTimestamps = false

    public init(_ argv: [String]) throws {
        guard let q = argv.firstIndex(where: { QEMUCommand.baseName($0).hasPrefix("qemu-system-") }) else {
            throw SpecError("no qemu-system-* program in the command (expected: flashtrace record -- qemu-system-aarch64 …)")
        }
        self.argv = argv
        qemuIndex = q
        var blockdevs: [String: (file: String, readonly: Bool)] = [:]
        var machineFlash: [(unit: Int, node: String)] = []
        var nextUnit = 0
        var i = q + 1
        func value() throws -> String {
            guard i + 1 < argv.count else { throw SpecError("\(argv[i]) needs a value") }
            i += 1
            return argv[i]
        }
        while i < argv.count {
            let opt = argv[i].hasPrefix("--") ? String(argv[i].dropFirst()) : argv[i]
            switch opt {
            case "-M", "-machine":
                let v = try value()
                let props = QEMUCommand.options(v)
                if let type = props.first(where: { $0.value == nil })?.key ?? props.first(where: { $0.key == "type" })?.value {
                    machine = type
                }
                for p in props where p.key.hasPrefix("pflash") {
                    if let node = p.value, let unit = Int(p.key.dropFirst(6)) { machineFlash.append((unit, node)) }
                }
            case "-drive":
                let props = Dictionary(QEMUCommand.options(try value()).map { ($0.key, $0.value ?? "on") }, uniquingKeysWith: { $1 })
                if props["if"] == "pflash", let file = props["file"] {
                    let unit = props["unit"].flatMap { Int($0) } ?? nextUnit
                    nextUnit = unit + 1
                    drives.append(Drive(file: file, readonly: QEMUCommand.isOn(props["readonly"]), unit: unit))
                }
            case "-blockdev":
                let props = Dictionary(QEMUCommand.options(try value()).map { ($0.key, $0.value ?? "on") }, uniquingKeysWith: { $1 })
                if let node = props["node-name"], let file = props["file.filename"] ?? props["filename"] {
                    blockdevs[node] = (file, QEMUCommand.isOn(props["read-only"]))
                }
            case "-D":
                userLog = try value()
            case "-bios":
                bios = try value()
            case "-msg":
                if try value().contains("timestamp=on") { hasTimestamps = true }
            case "-trace", "-d", "-m", "-cpu", "-smp", "-chardev", "-serial", "-display", "-monitor", "-net",
                 "-netdev", "-device", "-kernel", "-initrd", "-append", "-accel", "-global", "-name",
                 "-qtest", "-boot", "-drive-file", "-object", "-vga", "-k", "-rtc", "-icount":
                i += 1
            default:
                break
            }
            i += 1
        }
        // -machine pflashN=NODE may name a -blockdev given later on the line.
        for (unit, node) in machineFlash {
            if let b = blockdevs[node] { drives.append(Drive(file: b.file, readonly: b.readonly, unit: unit)) }
        }
        drives.sort { $0.unit < $1.unit }
    }

    static func baseName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

    /// QEMU's `a=b,c=d` option syntax (`,,` escapes a comma). Scalars, not Characters, as QEMU
    /// splits bytes: a combining mark after "," or "=" must not hide the separator.
    static func options(_ s: String) -> [(key: String, value: String?)] {
        var parts: [String.UnicodeScalarView] = []
        var current = String.UnicodeScalarView()
        var chars = Array(s.unicodeScalars)
        var k = 0
        while k < chars.count {
            if chars[k] == "," {
                if k + 1 < chars.count && chars[k + 1] == "," { current.append(","); k += 2; continue }
                parts.append(current); current = String.UnicodeScalarView()
            } else {
                current.append(chars[k])
            }
            k += 1
        }
        parts.append(current)
        chars.removeAll()
        return parts.filter { !$0.isEmpty }.map { p in
            if let eq = p.firstIndex(of: "=") { return (String(p[..<eq]), String(p[p.index(after: eq)...])) }
            return (String(p), nil)
        }
    }

    static func isOn(_ v: String?) -> Bool { ["on", "true", "yes", "1"].contains(v ?? "off") }

    /// The board whose geometry the machine gives its flash (nil: unknown machine).
    public var board: Board? {
        guard let m = machine?.lowercased() else {
            return argv[qemuIndex].contains("x86_64") || argv[qemuIndex].hasSuffix("i386") ? .pc : nil
        }
        if m.hasPrefix("virt") { return .virt }
        if m.hasPrefix("q35") || m.hasPrefix("pc") { return .q35 }
        if m == "musicpal" { return .musicpal }
        return nil
    }

    /// The command with pflash tracing added after the QEMU binary: `-trace pflash_*`, a log file
    /// unless the user gave one, and timestamps unless asked already.
    public func traced(log: String) -> [String] {
        var extra = ["-trace", "pflash_*"]
        if userLog == nil { extra += ["-D", log] }
        if !hasTimestamps { extra += ["-msg", "timestamp=on"] }
        var out = argv
        out.insert(contentsOf: extra, at: qemuIndex + 1)
        return out
    }
}

