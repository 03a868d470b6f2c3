import Foundation

/// The tests' own reading of the EDK2 variable stores in a vars image, written apart from
/// flashtrace's variable-store view so that the view is checked against code it shares nothing
/// with. Facts from the UEFI PI specification (firmware volume header) and EDK2's public
/// MdeModulePkg/Include/Guid/VariableFormat.h (store and variable headers, state bits).
///
/// It reads a final image only: which variables an image holds live, with their attributes and
/// data. It knows nothing of the flash or of a trace.
struct VarStoreOracle {
    /// EFI_SYSTEM_NV_DATA_FV_GUID, the FileSystemGuid of the FV that holds the variable store.
    static let nvDataFVGuid = "fff12b8d-7696-4c8b-a985-2747075b4f50"
    /// gEfiAuthenticatedVariableGuid: the store's variables have the 60-byte authenticated header.
    static let authenticatedStoreGuid = "aaf32c78-947b-439a-a180-2e144ec37792"
    /// gEfiVariableGuid: the store's variables have the 32-byte plain header.
    static let plainStoreGuid = "ddcf3616-3275-4164-98b6-fe85707ffe7d"
    /// EFI_GLOBAL_VARIABLE: Boot####, BootOrder, Lang, PlatformLang, …
    static let globalVariableGuid = "8be4df61-93ca-11d2-aa0d-00e098032b8c"

    /// Variable states are bits cleared one after another (flash can only clear bits without an
    /// erase): a header written alone is 0x7F, a complete variable 0x3F; an update first clears
    /// 0x01 on the old copy (in deleted transition, 0x3E), writes the new one, then clears 0x02
    /// (deleted, 0x3C).
    static let varAdded: UInt8 = 0x3F
    static let varAddedInDeletedTransition: UInt8 = 0x3E

    struct Variable: Equatable {
        /// Of the variable's header, in the image.
        var offset: Int
        var state: UInt8
        var attributes: UInt32
        var name: String
        /// Lowercase canonical text.
        var guid: String
        var data: [UInt8]

        var key: String { "\(guid):\(name)" }
        var dataHex: String { data.map { String(format: "%02x", $0) }.joined() }
    }

    struct Store {
        var fvOffset: Int
        var fvLength: Int
        /// The variable store header's offset in the image (the FV's offset plus its HeaderLength).
        var storeOffset: Int
        var storeSize: Int
        var authenticated: Bool
        /// Every variable header in the store, in order, whatever its state.
        var headers: [Variable]

        /// The variables the firmware would find: state VAR_ADDED, or a copy caught in deleted
        /// transition when no VAR_ADDED copy of the same name and GUID exists (an update that
        /// stopped before its new copy was complete: the old one is still the value). Like EDK2's
        /// lookup, the first VAR_ADDED copy in store order wins.
        var live: [Variable] {
            let added = Set(headers.filter { $0.state == VarStoreOracle.varAdded }.map(\.key))
            var seen: Set<String> = []
            return headers.filter { v in
                let counts = v.state == VarStoreOracle.varAdded
                    || (v.state == VarStoreOracle.varAddedInDeletedTransition && !added.contains(v.key))
                return counts && seen.insert(v.key).inserted
            }
        }

        func live(_ name: String, guid: String = VarStoreOracle.globalVariableGuid) -> Variable? {
            live.first { $0.name == name && $0.guid == guid }
        }
    }

    /// Every variable store in `image`: a firmware volume header ("_FVH" at +0x28, a valid
    /// checksum, FileSystemGuid = the NV data FV's) at a 4 KiB boundary (FVs are block aligned and
    /// no NOR part QEMU models for firmware has smaller sectors), with a variable store header of a
    /// known GUID right after it. The search resumes after each FV, so the copies that fault
    /// tolerant writes keep in the FV's spare block are not taken for stores of their own.
    static func stores(in image: [UInt8]) -> [Store] {
        var found: [Store] = []
        var offset = 0
        while offset + 0x48 <= image.count {
            if let store = store(at: offset, in: image) {
                found.append(store)
                offset += max(4096, (store.fvLength + 4095) / 4096 * 4096)
            } else {
                offset += 4096
            }
        }
        return found
    }

    static func store(at fv: Int, in image: [UInt8]) -> Store? {
        guard image[fv + 0x28 ..< fv + 0x2C].elementsEqual("_FVH".utf8),
              guid(image, fv + 0x10) == nvDataFVGuid else { return nil }
        let fvLength = u64(image, fv + 0x20)
        let headerLength = Int(u16(image, fv + 0x30))
        // HeaderLength covers the 0x38 fixed bytes and a block map of at least one entry and its
        // terminator; the checksum makes the 16-bit sum of the whole header zero.
        guard headerLength >= 0x48, headerLength % 2 == 0, fvLength >= UInt64(headerLength),
              fvLength <= UInt64(image.count - fv) else { return nil }
        var sum: UInt16 = 0
        for i in stride(from: fv, to: fv + headerLength, by: 2) { sum &+= u16(image, i) }
        guard sum == 0 else { return nil }

        // VARIABLE_STORE_HEADER: Signature GUID, Size u32, Format u8, State u8, Reserved u16 + u32.
        let store = fv + headerLength
        guard store + 28 <= image.count else { return nil }
        let signature = guid(image, store)
        guard signature == authenticatedStoreGuid || signature == plainStoreGuid else { return nil }
        let authenticated = signature == authenticatedStoreGuid
        let size = Int(u32(image, store + 16))
        guard size >= 28, store + size <= fv + Int(fvLength) else { return nil }
        return Store(fvOffset: fv, fvLength: Int(fvLength), storeOffset: store, storeSize: size,
                     authenticated: authenticated, headers: variables(in: image, store: store, size: size, authenticated: authenticated))
    }

    /// Walks the headers from the first 4-byte-aligned offset after the store header until one
    /// does not start with 0x55AA (erased flash reads 0xFFFF) or would not fit in the store.
    static func variables(in image: [UInt8], store: Int, size: Int, authenticated: Bool) -> [Variable] {
        // Authenticated: StartId u16, State u8, Reserved u8, Attributes u32, MonotonicCount u64,
        // TimeStamp (EFI_TIME, 16), PubKeyIndex u32, NameSize u32, DataSize u32, VendorGuid.
        // Plain: StartId u16, State u8, Reserved u8, Attributes u32, NameSize u32, DataSize u32,
        // VendorGuid.
        let headerSize = authenticated ? 60 : 32
        let sizesAt = authenticated ? 36 : 8
        let end = store + size
        var p = (store + 28 + 3) & ~3
        var out: [Variable] = []
        while p + headerSize <= end, u16(image, p) == 0x55AA {
            let nameSize = Int(u32(image, p + sizesAt))
            let dataSize = Int(u32(image, p + sizesAt + 4))
            // A header whose sizes were never written (all ones) or that runs past the store is
            // the end of what the walk can trust.
            guard nameSize < size, dataSize < size, p + headerSize + nameSize + dataSize <= end else { break }
            let nameStart = p + headerSize
            var units: [UInt16] = []
            for i in stride(from: nameStart, to: nameStart + nameSize - 1, by: 2) {
                let unit = u16(image, i)
                if unit == 0 { break }
                units.append(unit)
            }
            let dataStart = nameStart + nameSize
            out.append(Variable(offset: p, state: image[p + 2], attributes: u32(image, p + 4),
                                name: String(decoding: units, as: UTF16.self), guid: guid(image, p + sizesAt + 8),
                                data: Array(image[dataStart ..< dataStart + dataSize])))
            p = (dataStart + dataSize + 3) & ~3
        }
        return out
    }

    /// EFI_GUID in memory: Data1 u32, Data2 u16, Data3 u16 little-endian, then 8 bytes in order.
    static func guid(_ b: [UInt8], _ at: Int) -> String {
        String(format: "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
               u32(b, at), u16(b, at + 4), u16(b, at + 6), b[at + 8], b[at + 9],
               b[at + 10], b[at + 11], b[at + 12], b[at + 13], b[at + 14], b[at + 15])
    }

    static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { UInt32(u16(b, at)) | UInt32(u16(b, at + 2)) << 16 }
    static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { UInt64(u32(b, at)) | UInt64(u32(b, at + 4)) << 32 }

    /// An image file as bytes; `.xz` files are decompressed with xz.
    static func image(_ path: String) throws -> [UInt8] {
        guard path.hasSuffix(".xz") else { return Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("varstore-oracle-\(UUID().uuidString).img")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["xz", "-dc", path]
        p.standardOutput = handle
        try p.run()
        p.waitUntilExit()
        try handle.close()
        guard p.terminationStatus == 0 else { throw OracleError("xz -dc \(path) failed (status \(p.terminationStatus))") }
        return Array(try Data(contentsOf: out))
    }
}

struct OracleError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
