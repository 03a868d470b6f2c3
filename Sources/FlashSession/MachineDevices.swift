import FlashModel
import FlashTraceIO
import Foundation

// The flash devices of a QEMU command line (`record -- qemu-system-…`), which knows every fact a
// log leaves open: the board's geometry (spec §8), each pflash unit's drive (image, size,
// readonly=), and that a unit without a drive is zero-filled RAM, writable (spec §1.2) — on
// `virt`, -bios loads its file into such a flash0. No inference: the header must be right.

extension QEMUCommand {
    /// One device per flash bank the machine has, with the image each starts from.
    public func flashDevices() throws(SessionError) -> [DeviceConfig] {
        guard let board else { return [] }
        let names = board.deviceNames
        var sources = drives.filter { $0.unit < names.count }
        if board == .virt, let bios, !sources.contains(where: { $0.unit == 0 }) {
            sources.insert(Drive(file: bios, readonly: false, unit: 0), at: 0)
        }
        var sizes: [String: UInt64] = [:]
        var images: [String: ImageFile] = [:]
        for d in sources {
            do { images[names[d.unit]] = try ImageFile(path: d.file, limit: 0) } catch {
                throw SessionError(.unreadable, "\(d.file): \(error)")
            }
            sizes[names[d.unit]] = images[names[d.unit]]!.fileSize
        }
        var configs = board.devices(imageSizes: sizes)
        if board == .q35 || board == .pc {
            configs = configs.filter { sizes[$0.name] != nil }  // x86 has flash only where a drive is given
        }
        for i in configs.indices {
            let name = configs[i].name
            // A drive is exactly the device's size; a -bios file is shorter and the rest is RAM:
            // the whole region is backed either way.
            configs[i].backingSize = configs[i].chipLength
            guard let d = sources.first(where: { names[$0.unit] == name }), let image = images[name] else {
                configs[i].readonly = false
                continue
            }
            configs[i].readonly = d.readonly
            configs[i].image = d.file
            configs[i].imageSHA256 = image.sha256
        }
        return configs
    }
}

extension Board {
    /// The QEMU device names of the board's flash banks, in pflash unit order.
    public var deviceNames: [String] {
        switch self {
        case .virt: return ["virt.flash0", "virt.flash1"]
        case .q35, .pc: return ["system.flash0", "system.flash1"]
        case .musicpal: return ["musicpal.flash"]
        }
    }
}
