import ArgumentParser
import FlashModel
import FlashSession
import FlashTraceIO

// Device configuration options shared by record, replay, convert and diff. They only parse:
// resolving devices is FlashSession's (DeviceRequest, OpenedTrace).

struct DeviceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Board preset with QEMU 7.2's geometry: virt, q35, pc, musicpal.", valueName: "board"))
    var board: String?

    @Option(name: .long, help: ArgumentHelp(
        "A flash device in QEMU property syntax, e.g. cfi01,name=virt.flash1,addr=0x4000000,num-blocks=256,sector-length=256K,width=4,device-width=2,id0=0x89,id1=0x18,image=vars.fd,backing-size=768K (replaces a device of the same name); or NAME,PROP=VALUE,… to amend one device the trace declares or replay inferred, e.g. virt.flash0,readonly=off. Repeatable.",
        valueName: "spec"))
    var device: [String] = []

    @Option(name: .long, help: ArgumentHelp("Initial contents of a device from an image file. For a trace that does not declare its devices (a QEMU log) it also gives x86 flash its size.", valueName: "name=path"))
    var image: [String] = []

    @Option(name: .long, help: ArgumentHelp("The QEMU whose pflash behaviour the trace follows (7.2, 7.2.22, 8.2.2, 10.0, 11.1, …; a version maps to the era it falls in). Default: the trace header's \"qemu\" (7.2.22 when it has none); for a QEMU log, inferred from its buffered writes; for record, the newest era (\(QEMUVersion.newest)).", valueName: "version"))
    var qemu: QEMUVersion?

    @Option(name: .customLong("backing-size"), help: ArgumentHelp("Override a device's backing size (K/M/G suffixes).", valueName: "name=size"))
    var backingSize: [String] = []

    var request: DeviceRequest {
        DeviceRequest(board: board, specs: device, images: image, backingSizes: backingSize, qemu: qemu)
    }

    /// Whether whole devices are given (a board or a typed spec), replacing the trace's own.
    var overridesDevices: Bool { request.replacesDevices }

    /// Devices and their initial images: `base` (a script's `# device:` lines or a QEMU
    /// command's machine) unless --board/--device replace them, then amendments, --image and
    /// --backing-size by name.
    func resolve(base: [DeviceConfig]) throws(ExitCode) -> (configs: [DeviceConfig], images: [String: [UInt8]]) {
        do {
            let r = try request.resolve(base: base)
            return (r.configs, r.images)
        } catch {
            throw fail(error)
        }
    }
}

/// Prints a session error and gives its exit status.
func fail(_ error: SessionError) -> ExitCode {
    switch error.kind {
    case .usage: return fail(error.message, .usage)
    case .malformed: return fail(error.message, .dataError)
    case .unreadable: return fail(error.message, .noInput)
    case .unavailable: return fail(error.message, .unavailable)
    }
}

extension QEMUVersion: ExpressibleByArgument {
    /// `--qemu 10.0.2`: malformed, older than 6.0, or of an era the model does not follow is a
    /// usage error (64) that says why.
    public init?(argument: String) {
        guard let v = QEMUVersion(argument), (try? v.requireEra()) != nil else { return nil }
        self = v
    }
}
