import FlashAnalysis
import FlashModel
import FlashTraceIO

// Devices of a QEMU log, which states none: the board from the device names (spec §8), each
// named device's size and read-only flag from the evidence, and every fact that was not proven
// reported as an assumption with the option that would state it otherwise.
//   size: an --image file first (x86 sizes its flash by the image); else the highest offset the
//     trace reaches (x86: the next 4 KiB multiple; virt: its fixed 64 MiB, wider only if a
//     hostile log reaches further); the board's usual size when the log has no access at all.
//   read-only: the device's own events (WritabilityEvidence); else the board's convention.
//   backing: the whole region, as QEMU's drives are; an image only says what the first bytes held.
// Only devices the log names are returned.

public struct InferredDevices: Sendable {
    public var board: Board
    public var configs: [DeviceConfig]
    public var assumptions: [DeviceAssumption]
}

public enum DeviceInference {
    public static func infer(_ evidence: LogEvidence, imageSizes: [String: UInt64], trace: String) throws(SessionError) -> InferredDevices {
        let names = evidence.devices.map(\.name)
        guard let board = Board.infer(fromDeviceNames: names) else {
            throw SessionError(.usage, "\(trace): a QEMU log does not say the flash geometry and the device names (\(names.joined(separator: ", "))) match no known board: pass --board or --device")
        }
        var assumptions: [DeviceAssumption] = []
        var configs: [DeviceConfig] = []
        let x86 = board == .q35 || board == .pc
        var sizes: [String: UInt64] = [:]
        if x86 {
            for name in ["system.flash0", "system.flash1"] {
                guard let d = evidence.device(name) else { continue }
                if let s = imageSizes[name] {
                    sizes[name] = roundUp(s, 4096)
                } else if d.accessEnd > 0 {
                    let s = min(roundUp(d.accessEnd, 4096), DeviceConfig.maxBacking)
                    sizes[name] = s
                    assumptions.append(DeviceAssumption(
                        device: name, fact: "size=\(hex(s))",
                        basis: "no --image: the highest access (line \(d.accessEndLine)) ends at \(hex(d.accessEnd)), rounded up to 4 KiB",
                        fix: "--image \(name)=FILE"))
                }
            }
        }
        for c0 in board.devices(imageSizes: sizes) {
            guard let d = evidence.device(c0.name) else { continue }  // only devices the log names
            var c = c0
            if !x86 && d.accessEnd > c.regionSize {
                widen(&c, to: d.accessEnd)
                assumptions.append(DeviceAssumption(
                    device: c.name, fact: "size=\(hex(c.regionSize))",
                    basis: "the \(board.rawValue) board's flash is \(hex(c0.regionSize)) bytes, but line \(d.accessEndLine) reaches \(hex(d.accessEnd))"))
            }
            if x86 && sizes[c.name] == nil {
                assumptions.append(DeviceAssumption(
                    device: c.name, fact: "size=\(hex(c.regionSize))",
                    basis: "no --image and no access in the log: Debian's OVMF 4M size", fix: "--image \(c.name)=FILE"))
            }
            c.backingSize = c.chipLength
            // Only CFI01's events tell writability (WritabilityEvidence); a CFI02 keeps the convention.
            switch c.type == .cfi01 ? d.writability : nil {
            case .writable?:
                c.readonly = false
                assumptions.append(DeviceAssumption(device: c.name, fact: "readonly=off",
                                                    basis: "proven by line \(d.writabilityLine ?? 0): \(d.writabilityReason)"))
            case .readOnly?:
                c.readonly = true
                assumptions.append(DeviceAssumption(device: c.name, fact: "readonly=on",
                                                    basis: "proven by line \(d.writabilityLine ?? 0): \(d.writabilityReason)"))
            case nil:
                let what = c.type == .cfi02 ? "a cfi02 device's events do not show it" : "no program or erase in the log shows it"
                assumptions.append(DeviceAssumption(
                    device: c.name, fact: c.readonly ? "readonly=on" : "readonly=off",
                    basis: "the \(board.rawValue) board's convention (\(what))",
                    fix: "--device \(c.name),readonly=\(c.readonly ? "off" : "on")"))
            }
            configs.append(c)
        }
        return InferredDevices(board: board, configs: configs, assumptions: assumptions)
    }

    /// More blocks of the same sector length, up to flashtrace's per-device limit.
    static func widen(_ c: inout DeviceConfig, to end: UInt64) {
        guard c.type == .cfi01, c.sectorLength > 0 else { return }
        let limit = DeviceConfig.maxBacking / c.sectorLength
        c.numBlocks = min(roundUp(end, c.sectorLength) / c.sectorLength, limit)
    }

    static func roundUp(_ v: UInt64, _ unit: UInt64) -> UInt64 {
        let (r, o) = v.addingReportingOverflow(unit - 1)
        return o ? UInt64.max / unit * unit : r / unit * unit
    }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
