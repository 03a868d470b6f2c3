import FlashModel
import FlashTraceIO

// What the user said about devices (--board, --device, --image, --backing-size), applied to the
// devices a trace declares or the replay inferred. Every command (record, replay, convert, diff)
// resolves its devices through `resolve`.

public struct DeviceRequest: Sendable {
    public var board: String?
    /// `--device` specs: whole devices (`cfi01,name=…`) or amendments (`NAME,key=value`).
    public var specs: [String]
    /// `--image NAME=PATH`
    public var images: [String]
    /// `--backing-size NAME=SIZE`
    public var backingSizes: [String]
    /// `--qemu VERSION`: the QEMU whose behaviour to follow, overriding the trace's own.
    public var qemu: QEMUVersion?

    public init(board: String? = nil, specs: [String] = [], images: [String] = [], backingSizes: [String] = [],
                qemu: QEMUVersion? = nil) {
        self.board = board; self.specs = specs; self.images = images; self.backingSizes = backingSizes
        self.qemu = qemu
    }

    /// Whether the user gave whole devices (a board or a typed spec): the trace's own are then replaced.
    public var replacesDevices: Bool {
        board != nil || specs.contains { (try? DeviceSpec.amendment($0)) == nil }
    }

    /// `name=value` pairs of a repeatable option.
    public static func pairs(_ values: [String], option: String) throws(SessionError) -> [(String, String)] {
        var out: [(String, String)] = []
        for v in values {
            let scalars = v.unicodeScalars  // not Characters: a mark after "=" would hide it
            guard let eq = scalars.firstIndex(of: "="), eq != scalars.startIndex else {
                throw SessionError(.usage, "--\(option) \(v): expected NAME=VALUE")
            }
            out.append((String(scalars[..<eq]), String(scalars[scalars.index(after: eq)...])))
        }
        return out
    }

    /// Image file sizes by device name (for inference: x86 sizes its flash by the image).
    public func imageSizes() throws(SessionError) -> [String: UInt64] {
        var sizes: [String: UInt64] = [:]
        for (name, path) in try Self.pairs(images, option: "image") {
            do { sizes[name] = try ImageFile(path: path, limit: 0).fileSize } catch {
                throw SessionError(.unreadable, "--image \(name)=\(path): \(error)")
            }
        }
        return sizes
    }

    /// The devices and their initial images.
    public struct Resolved: Sendable {
        public var configs: [DeviceConfig]
        public var images: [String: [UInt8]]
        /// Devices whose region the user gave (board, whole spec, amendment): an access beyond
        /// it is a finding, not a malformed trace.
        public var userGeometry: Set<String>
    }

    /// `base` (a trace header, a script's `# device:` lines, or inferred devices) unless a board
    /// or whole devices are given; then amendments, --image and --backing-size by name.
    /// `imageSetsBacking`: an image shorter than the chip sets the backing size (record, and traces
    /// whose header left it open); inferred devices keep their whole region backed.
    public func resolve(base: [DeviceConfig], imageSetsBacking: Bool = true) throws(SessionError) -> Resolved {
        var images: [String: ImageFile] = [:]
        for (name, path) in try Self.pairs(images_: self.images) {
            do { images[name] = try ImageFile(path: path, limit: DeviceConfig.maxBacking) } catch {
                throw SessionError(.unreadable, "--image \(name)=\(path): \(error)")
            }
        }
        var configs = base
        var userGeometry = Set<String>()
        if replacesDevices {
            configs = []
            if let board {
                guard let b = Board(rawValue: board) else {
                    throw SessionError(.usage, "--board \(board): expected one of \(Board.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                configs = b.devices(imageSizes: images.mapValues { min($0.fileSize, DeviceConfig.maxBacking) })
            }
        }
        for spec in specs {
            let amendment: (name: String, properties: [(String, Substring)])?
            do { amendment = try DeviceSpec.amendment(spec) } catch { throw SessionError(.usage, "--device: \(error)") }
            if let amendment {
                guard let i = configs.firstIndex(where: { $0.name == amendment.name }) else {
                    throw SessionError(.usage, "--device \(spec): no device named \(amendment.name) to amend (devices: \(configs.map(\.name).joined(separator: ", ")))")
                }
                for (key, value) in amendment.properties {
                    do { try DeviceSpec.set(&configs[i], key: key, value: value) } catch {
                        throw SessionError(.usage, "--device \(spec): \(error)")
                    }
                }
                userGeometry.insert(amendment.name)
                continue
            }
            let c: DeviceConfig
            do { c = try DeviceSpec.parse(spec) } catch { throw SessionError(.usage, "--device: \(error)") }
            if let i = configs.firstIndex(where: { $0.name == c.name }) { configs[i] = c } else { configs.append(c) }
        }
        if replacesDevices { userGeometry.formUnion(configs.map(\.name)) }
        // image= inside a spec, then --image (which wins).
        for c in configs where c.image != nil && images[c.name] == nil {
            do { images[c.name] = try ImageFile(path: c.image!, limit: DeviceConfig.maxBacking) } catch {
                throw SessionError(.unreadable, "device \(c.name): image=\(c.image!): \(error)")
            }
        }
        for name in images.keys where !configs.contains(where: { $0.name == name }) {
            throw SessionError(.usage, "--image \(name)=…: no device named \(name) (devices: \(configs.map(\.name).joined(separator: ", ")))")
        }
        var sizes: [String: UInt64] = [:]
        for (name, size) in try Self.pairs(backingSizes, option: "backing-size") {
            guard let v = parseNumber(size[...]) else { throw SessionError(.usage, "--backing-size \(name)=\(size): expected a size such as 768K") }
            guard configs.contains(where: { $0.name == name }) else {
                throw SessionError(.usage, "--backing-size \(name)=…: no device named \(name)")
            }
            sizes[name] = v
        }
        var bytes: [String: [UInt8]] = [:]
        for i in configs.indices {
            let name = configs[i].name
            if let img = images[name] {
                if img.fileSize > configs[i].chipLength {
                    throw SessionError(.usage, "device \(name): image \(img.path) provides \(img.fileSize) bytes, device limited to \(configs[i].chipLength) bytes")
                }
                configs[i].image = img.path
                configs[i].imageSHA256 = img.sha256
                if imageSetsBacking && configs[i].backingSize == nil && img.fileSize < configs[i].chipLength {
                    configs[i].backingSize = img.fileSize
                }
                bytes[name] = img.bytes
            }
            if let s = sizes[name] { configs[i].backingSize = s }
        }
        var seen = Set<String>()
        for c in configs {
            if !seen.insert(c.name).inserted { throw SessionError(.usage, "two devices are named \(c.name)") }
            do { try c.validate() } catch { throw SessionError(.usage, "\(error)") }
        }
        return Resolved(configs: configs, images: bytes, userGeometry: userGeometry)
    }

    private static func pairs(images_ values: [String]) throws(SessionError) -> [(String, String)] {
        try pairs(values, option: "image")
    }
}
