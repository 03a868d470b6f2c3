import Foundation
import FlashModel
import FlashTraceIO

// The boards the conformance tests run on: how to start QEMU with them, and the same devices as
// model configurations (the `# device:` lines of ../shared/golden, in QEMU's reset order so the
// two event streams can be compared whole, other devices' reset lines included).

/// Which QEMU a machine runs on: Debian 12's system 7.2.22, or 10.0.2 from the private prefix
/// `scripts/qemu-10.sh` installs (scripts/setup.sh --tests does). The model follows the same one.
enum QEMUInstall: Sendable {
    case debian12, v10

    static let prefix = "/opt/flashtrace-qemu-10.0.2"

    var version: QEMUVersion { self == .debian12 ? .debian12 : QEMUVersion(10, 0, 2) }

    /// The binary's path; a missing one fails the test in CI and skips it elsewhere.
    func locate(_ name: String) throws -> String {
        switch self {
        case .debian12: return try QEMUBinary.locate(name)
        case .v10: return try QEMUBinary.locatePrefixed(name, prefix: QEMUInstall.prefix)
        }
    }

    /// Arguments that come first: the prefix's firmware and data files; 10.0 wants an explicit
    /// audio backend on boards with sound (musicpal, versatilepb; ../shared/notes/qemu-versions.md),
    /// and the system 7.2's audio modules are not its own.
    func arguments(machine: [String]) -> [String] {
        guard self == .v10 else { return [] }
        return ["-L", "\(QEMUInstall.prefix)/usr/share/qemu", "-audio", "none"]
    }
}

struct Drive {
    var device: String
    var size: Int
    var readonly = false
    /// Loaded with -bios instead of -drive if=pflash (canon-a1100 copies its ROM into the flash).
    var bios = false
}

struct Machine {
    var name: String
    var binary: String
    var arguments: [String]
    /// In `-drive if=pflash` unit order.
    var drives: [Drive]
    var deviceSpecs: [String]
    var qemu = QEMUInstall.debian12

    /// The same machine on QEMU 10.0.2, the model following that version's era.
    var onQEMU10: Machine {
        var m = self
        m.qemu = .v10
        m.name += " on 10.0.2"
        return m
    }

    /// Bus address of a device (base for op builders).
    func base(_ device: String) -> UInt64 {
        let c = try! DeviceSpec.parse(deviceSpecs.first { $0.contains("name=\(device),") }!)
        return c.addr
    }

    /// Initial image contents, identical for QEMU's file and the model: a recognisable pattern in
    /// the first MiB (so trapped array reads return something other than zero and CFI02's AND
    /// programming is visible), zeros after it (the file stays sparse).
    static let patternLength = 1 << 20

    static func image(size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        // 16-bit word at byte offset o = ((o >> 9) & 0xff) << 8 | ((o >> 1) & 0xff), as the golden
        // musicpal image; plus a little mixing so 32-bit words are not all alike.
        for o in 0..<min(size, patternLength) {
            bytes[o] = o & 1 == 0 ? UInt8((o >> 1) & 0xFF) : UInt8((o >> 9) & 0xFF) ^ UInt8((o >> 2) & 0x0F)
        }
        return bytes
    }

    /// Writes the images into `directory` and returns the full QEMU argument list.
    func prepare(in directory: URL) throws -> [String] {
        var args = arguments
        for d in drives {
            let url = directory.appendingPathComponent("\(d.device).img")
            let prefix = Machine.image(size: d.size).prefix(Machine.patternLength)
            guard FileManager.default.createFile(atPath: url.path, contents: Data(prefix)) else {
                throw QEMUError("cannot create \(url.path)")
            }
            let h = try FileHandle(forWritingTo: url)
            try h.truncate(atOffset: UInt64(d.size))
            try h.close()
            if d.bios {
                args += ["-bios", url.path]
            } else {
                args += ["-drive", "if=pflash,format=raw,file=\(url.path)" + (d.readonly ? ",readonly=on" : "")]
            }
        }
        return args
    }

    /// Starts QEMU for this machine (skips the test when the binary is missing).
    func startQEMU() throws -> QEMUSession {
        let binaryPath = try qemu.locate(binary)
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("flashtrace-qemu-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let args = qemu.arguments(machine: arguments) + (try prepare(in: dir))
        return try QEMUSession(binary: binaryPath, arguments: args, directory: dir, description: name)
    }

    /// The model of the same machine, started from the same images.
    func startModel() throws -> ModelSession {
        let era = try qemu.version.requireEra()
        let configs = try deviceSpecs.map { spec -> DeviceConfig in
            var c = try DeviceSpec.parse(spec)
            c.era = era
            return c
        }
        var reloaded: [(device: FlashDevice, image: [UInt8])] = []
        let devices = try configs.map { c -> FlashDevice in
            guard let d = drives.first(where: { $0.device == c.name }) else { preconditionFailure("no drive for \(c.name)") }
            precondition(UInt64(d.size) == c.chipLength, "\(c.name): image size must equal the device size")
            let image = Machine.image(size: d.size)
            let device = try makeDevice(c, initial: image)
            if d.bios { reloaded.append((device, image)) }
            return device
        }
        return ModelSession(bus: FlashBus(devices: devices), reloadedAtReset: reloaded)
    }
}

extension Machine {
    private static func virtSpec(_ unit: Int, _ addr: String) -> String {
        "cfi01,name=virt.flash\(unit),addr=\(addr),num-blocks=256,sector-length=0x40000,width=4,"
            + "device-width=2,max-device-width=2,id0=0x89,id1=0x18,id2=0x00,id3=0x00"
    }

    /// AArch64 `virt`: two 64 MiB CFI01 banks (width 4, two x16 chips); tests use flash1.
    /// `oldMultipleChipHandling` sets the pre-2.9 geometry property on both banks with -global.
    static func virt(flash1ReadOnly: Bool = false, oldMultipleChipHandling: Bool = false) -> Machine {
        var flash1 = virtSpec(1, "0x4000000") + (flash1ReadOnly ? ",readonly=on" : "")
        var flash0 = virtSpec(0, "0x0")
        var name = flash1ReadOnly ? "virt (flash1 read-only)" : "virt"
        var args = ["-M", "virt"]
        if oldMultipleChipHandling {
            flash1 += ",old-multiple-chip-handling=on"
            flash0 += ",old-multiple-chip-handling=on"
            name += " (old-multiple-chip-handling)"
            args += ["-global", "driver=cfi.pflash01,property=old-multiple-chip-handling,value=on"]
        }
        return Machine(name: name, binary: "qemu-system-aarch64", arguments: args,
                       drives: [Drive(device: "virt.flash0", size: 64 << 20),
                                Drive(device: "virt.flash1", size: 64 << 20, readonly: flash1ReadOnly)],
                       deviceSpecs: [flash1, flash0])
    }

    /// x86 q35: legacy width-1 CFI01; flash0 = code (read-only, ends at 4 GiB), flash1 = vars below
    /// it. Sizes of Debian's OVMF 4M files, so the addresses match the golden x86 case.
    static let q35 = Machine(
        name: "q35", binary: "qemu-system-x86_64", arguments: ["-M", "q35"],
        drives: [Drive(device: "system.flash0", size: 0x37C000, readonly: true),
                 Drive(device: "system.flash1", size: 0x84000)],
        deviceSpecs: [
            "cfi01,name=system.flash1,addr=0xffc00000,num-blocks=132,sector-length=0x1000,width=1,device-width=0,id0=0x00,id1=0x00,id2=0x00,id3=0x00",
            "cfi01,name=system.flash0,addr=0xffc84000,num-blocks=892,sector-length=0x1000,width=1,device-width=0,id0=0x00,id1=0x00,id2=0x00,id3=0x00,readonly=on",
        ])

    /// versatilepb: legacy (device-width 0) width-4 bank, Intel ids.
    static let versatilepb = Machine(
        name: "versatilepb", binary: "qemu-system-arm", arguments: ["-M", "versatilepb"],
        drives: [Drive(device: "versatile.flash", size: 64 << 20)],
        deviceSpecs: ["cfi01,name=versatile.flash,addr=0x34000000,num-blocks=256,sector-length=0x40000,width=4,device-width=0,id0=0x89,id1=0x18,id2=0x00,id3=0x00"])

    /// connex: width-2 bank, 128 KiB sectors; lanes chosen with -global (nil = legacy).
    static func connex(deviceWidth: Int?, maxDeviceWidth: Int? = nil) -> Machine {
        var args = ["-M", "connex"]
        var spec = "cfi01,name=connext.rom,addr=0x0,num-blocks=128,sector-length=0x20000,width=2"
        var label = "connex legacy"
        if let dw = deviceWidth {
            args += ["-global", "driver=cfi.pflash01,property=device-width,value=\(dw)"]
            spec += ",device-width=\(dw)"
            label = "connex dw\(dw)"
        }
        if let mdw = maxDeviceWidth {
            args += ["-global", "driver=cfi.pflash01,property=max-device-width,value=\(mdw)"]
            spec += ",max-device-width=\(mdw)"
            label += " mdw\(mdw)"
        }
        spec += ",id0=0x00,id1=0x00,id2=0x00,id3=0x00"
        return Machine(name: label, binary: "qemu-system-arm", arguments: args,
                       drives: [Drive(device: "connext.rom", size: 16 << 20)], deviceSpecs: [spec])
    }

    /// musicpal: CFI02, 8 MiB chip mapped 4 times from 0xFE000000, width 2, unlock 0x555/0x2AA.
    static let musicpal = Machine(
        name: "musicpal", binary: "qemu-system-arm", arguments: ["-M", "musicpal"],
        drives: [Drive(device: "musicpal.flash", size: 8 << 20)],
        deviceSpecs: ["cfi02,name=musicpal.flash,addr=0xfe000000,num-blocks0=128,sector-length0=0x10000,width=2,mappings=4,id0=0xbf,id1=0x236d,id2=0x00,id3=0x00,unlock-addr0=0x5555,unlock-addr1=0x2aaa"])

    /// musicpal with the upstream qtest's non-uniform geometries (regions in address order).
    static let musicpalTopBoot = musicpal(regions: [(127, 0x10000), (1, 0x8000), (2, 0x2000), (1, 0x4000)], label: "top boot")
    static let musicpalBottomBoot = musicpal(regions: [(1, 0x4000), (2, 0x2000), (1, 0x8000), (127, 0x10000)], label: "bottom boot")

    private static func musicpal(regions: [(Int, Int)], label: String) -> Machine {
        var m = musicpal
        m.name = "musicpal \(label)"
        var spec = "cfi02,name=musicpal.flash,addr=0xfe000000"
        for (i, r) in regions.enumerated() {
            m.arguments += ["-global", "driver=cfi.pflash02,property=num-blocks\(i),value=\(r.0)",
                            "-global", "driver=cfi.pflash02,property=sector-length\(i),value=\(r.1)"]
            spec += ",num-blocks\(i)=\(r.0),sector-length\(i)=0x\(String(r.1, radix: 16))"
        }
        m.deviceSpecs = [spec + ",width=2,mappings=4,id0=0xbf,id1=0x236d,id2=0x00,id3=0x00,unlock-addr0=0x5555,unlock-addr1=0x2aaa"]
        return m
    }

    /// xilinx-zynq-a9: CFI02 width 1 (no address shift), 64 MiB, 128 KiB sectors, one mapping.
    static let zynq = Machine(
        name: "xilinx-zynq-a9", binary: "qemu-system-arm", arguments: ["-M", "xilinx-zynq-a9"],
        drives: [Drive(device: "zynq.pflash", size: 64 << 20)],
        deviceSpecs: ["cfi02,name=zynq.pflash,addr=0xe2000000,num-blocks=512,sector-length=0x20000,width=1,mappings=1,id0=0x66,id1=0x22,id2=0x00,id3=0x00,unlock-addr0=0x555,unlock-addr1=0x2aa"])

    /// canon-a1100: CFI02 width 4 (address shift 2), 4 MiB mapped 32 times, no drive: the board
    /// copies the -bios ROM image into the (writable) flash.
    static let canon = Machine(
        name: "canon-a1100", binary: "qemu-system-arm", arguments: ["-M", "canon-a1100"],
        drives: [Drive(device: "pflash", size: 4 << 20, bios: true)],
        deviceSpecs: ["cfi02,name=pflash,addr=0xf8000000,num-blocks=64,sector-length=0x10000,width=4,mappings=32,id0=0xec,id1=0x7e,id2=0x03,id3=0x01,unlock-addr0=0x555,unlock-addr1=0x2aa"])
}
