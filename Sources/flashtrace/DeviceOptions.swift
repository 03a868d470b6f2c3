import ArgumentParser
import FlashModel
import FlashTraceIO

// Device configuration options shared by record, replay and convert.

struct DeviceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Board preset with QEMU 7.2's geometry: virt, q35, pc, musicpal.", valueName: "board"))
    var board: String?

    @Option(name: .long, help: ArgumentHelp(
        "A flash device in QEMU property syntax, e.g. cfi01,name=virt.flash1,addr=0x4000000,num-blocks=256,sector-length=256K,width=4,device-width=2,id0=0x89,id1=0x18,image=vars.fd,backing-size=768K. Repeatable; replaces a board device of the same name.",
        valueName: "spec"))
    var device: [String] = []

    @Option(name: .long, help: ArgumentHelp("Initial contents of a device from an image file. A file shorter than the region sets backing-size to its length.", valueName: "name=path"))
    var image: [String] = []

    @Option(name: .customLong("backing-size"), help: ArgumentHelp("Override a device's backing size (K/M/G suffixes).", valueName: "name=size"))
    var backingSize: [String] = []

    var overridesDevices: Bool { board != nil || !device.isEmpty }

    /// `name=value` pairs of a repeatable option.
    static func pairs(_ values: [String], option: String) throws(ExitCode) -> [(String, String)] {
        var out: [(String, String)] = []
        for v in values {
            let scalars = v.unicodeScalars  // not Characters: a mark after "=" would hide it
            guard let eq = scalars.firstIndex(of: "="), eq != scalars.startIndex else {
                throw fail("--\(option) \(v): expected NAME=VALUE", .usage)
            }
            out.append((String(scalars[..<eq]), String(scalars[scalars.index(after: eq)...])))
        }
        return out
    }

    /// Devices and their initial images: `base` (a trace header or a script's `# device:` lines)
    /// unless --board/--device are given, then --image and --backing-size applied by name.
    func resolve(base: [DeviceConfig]) throws(ExitCode) -> (configs: [DeviceConfig], images: [String: [UInt8]]) {
        var images: [String: ImageFile] = [:]
        for (name, path) in try Self.pairs(image, option: "image") {
            do { images[name] = try ImageFile(path: path) } catch {
                throw fail("--image \(name)=\(path): \(error)", .noInput)
            }
        }
        var configs = base
        if overridesDevices {
            configs = []
            if let board {
                guard let b = Board(rawValue: board) else {
                    throw fail("--board \(board): expected one of \(Board.allCases.map(\.rawValue).joined(separator: ", "))", .usage)
                }
                configs = b.devices(imageSizes: images.mapValues(\.fileSize))
            }
            for spec in device {
                let c: DeviceConfig
                do { c = try DeviceSpec.parse(spec) } catch { throw fail("--device: \(error)", .usage) }
                if let i = configs.firstIndex(where: { $0.name == c.name }) { configs[i] = c } else { configs.append(c) }
            }
        }
        // image= inside a spec, then --image (which wins).
        for c in configs where c.image != nil && images[c.name] == nil {
            do { images[c.name] = try ImageFile(path: c.image!) } catch {
                throw fail("device \(c.name): image=\(c.image!): \(error)", .noInput)
            }
        }
        for name in images.keys where !configs.contains(where: { $0.name == name }) {
            throw fail("--image \(name)=…: no device named \(name) (devices: \(configs.map(\.name).joined(separator: ", ")))", .usage)
        }
        var sizes: [String: UInt64] = [:]
        for (name, size) in try Self.pairs(backingSize, option: "backing-size") {
            guard let v = parseNumber(size[...]) else { throw fail("--backing-size \(name)=\(size): expected a size such as 768K", .usage) }
            guard configs.contains(where: { $0.name == name }) else {
                throw fail("--backing-size \(name)=…: no device named \(name)", .usage)
            }
            sizes[name] = v
        }
        var bytes: [String: [UInt8]] = [:]
        for i in configs.indices {
            let name = configs[i].name
            if let img = images[name] {
                if img.fileSize > configs[i].chipLength {
                    throw fail("device \(name): image \(img.path) provides \(img.fileSize) bytes, device limited to \(configs[i].chipLength) bytes", .usage)
                }
                configs[i].image = img.path
                configs[i].imageSHA256 = img.sha256
                if configs[i].backingSize == nil && img.fileSize < configs[i].chipLength { configs[i].backingSize = img.fileSize }
                bytes[name] = img.bytes
            }
            if let s = sizes[name] { configs[i].backingSize = s }
        }
        var seen = Set<String>()
        for c in configs {
            if !seen.insert(c.name).inserted { throw fail("two devices are named \(c.name)", .usage) }
            do { try c.validate() } catch { throw fail("\(error)", .usage) }
        }
        return (configs, bytes)
    }
}
