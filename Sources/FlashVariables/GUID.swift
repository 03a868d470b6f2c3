// EFI GUIDs as UEFI stores them: 16 bytes, the first three fields little-endian (UEFI spec,
// appendix A "GUID and Time Formats"). Text is the lowercase canonical form users search for.

public struct GUID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// `bytes` must hold 16 bytes (callers read them from a checked range).
    init(bytes: [UInt8]) { self.bytes = bytes }

    /// From canonical text, e.g. "8be4df61-93ca-11d2-aa0d-00e098032b8c"; nil when malformed.
    public init?(_ text: String) {
        let hexDigits = text.filter { $0 != "-" }
        guard text.count == 36, hexDigits.count == 32 else { return nil }
        var raw: [UInt8] = []
        var i = hexDigits.startIndex
        while i < hexDigits.endIndex {
            let j = hexDigits.index(i, offsetBy: 2)
            guard let b = UInt8(hexDigits[i..<j], radix: 16) else { return nil }
            raw.append(b)
            i = j
        }
        // Text order is big-endian per field; storage has the first three fields reversed.
        bytes = Array(raw[0..<4].reversed()) + Array(raw[4..<6].reversed()) + Array(raw[6..<8].reversed()) + Array(raw[8..<16])
    }

    public var description: String {
        func h(_ r: [UInt8]) -> String { r.map { b in String(b >> 4, radix: 16) + String(b & 15, radix: 16) }.joined() }
        return [h(bytes[0..<4].reversed()), h(bytes[4..<6].reversed()), h(bytes[6..<8].reversed()),
                h(Array(bytes[8..<10])), h(Array(bytes[10..<16]))].joined(separator: "-")
    }
}

/// The GUIDs that identify variable-store structures (MdeModulePkg's public headers and the PI
/// specification, volume 3, "Firmware Volume").
public enum KnownGUID {
    /// FileSystemGuid of the firmware volume that holds the non-volatile variables
    /// (EFI_SYSTEM_NV_DATA_FV_GUID).
    public static let systemNvDataFV = GUID("fff12b8d-7696-4c8b-a985-2747075b4f50")!
    /// Signature of a variable store with plain headers (gEfiVariableGuid).
    public static let variableStore = GUID("ddcf3616-3275-4164-98b6-fe85707ffe7d")!
    /// Signature of a variable store with authenticated headers (gEfiAuthenticatedVariableGuid).
    public static let authenticatedVariableStore = GUID("aaf32c78-947b-439a-a180-2e144ec37792")!
    /// Signature of the fault-tolerant-write working block (gEdkiiWorkingBlockSignatureGuid);
    /// older firmware used the NV data FV GUID for it.
    public static let ftwWorkingBlock = GUID("9e58292b-7c68-497d-a0ce-6500fd9f1b95")!
}
