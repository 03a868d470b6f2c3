import XCTest

/// The oracle VariableStoreTests judge flashtrace's variable-store view by, checked on its own:
/// on the shared boots' final images, Debian's templates, the sessions' initial image, and
/// hand-made stores that exercise every variable state and both header formats.
final class VarStoreOracleTests: XCTestCase {
    let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/traces")
    let global = VarStoreOracle.globalVariableGuid
    /// The sessions' vendor GUID (Tests/Fixtures/vars), also used for the hand-made stores.
    let sessionGuid = "ec1bc798-d0ee-4d12-934b-62d8055c3ded"

    /// Files the test reads: missing ones fail in CI (CI=true) and skip elsewhere, saying what to install.
    func require(_ paths: [String]) throws {
        let missing = paths.filter { !FileManager.default.fileExists(atPath: $0) }
        guard !missing.isEmpty else { return }
        let message = "\(missing.joined(separator: ", ")) missing: run scripts/setup.sh --tests (Debian packages ovmf, qemu-efi-aarch64, xz-utils); shared/ must sit beside the package"
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(message) }
        throw XCTSkip(message)
    }

    func onlyStore(_ image: [UInt8], _ what: String, file: StaticString = #filePath, line: UInt = #line) throws -> VarStoreOracle.Store {
        let stores = VarStoreOracle.stores(in: image)
        XCTAssertEqual(stores.count, 1, "\(what): one variable store", file: file, line: line)
        return try XCTUnwrap(stores.first, what, file: file, line: line)
    }

    /// The AAVMF first boot's final image: the store AAVMF's NOR driver formatted (an FV of three
    /// 256 KiB blocks: store, FTW working block, spare) and the boot's variables.
    func testSharedAAVMFFinalImage() throws {
        let path = shared.appendingPathComponent("aarch64-virt-aavmf-firstboot/vars-after.fd.xz").path
        try require([path])
        let store = try onlyStore(try VarStoreOracle.image(path), "AAVMF vars-after")
        XCTAssertEqual(store.fvOffset, 0)
        XCTAssertEqual(store.fvLength, 0xC0000)
        XCTAssertEqual(store.storeOffset, 0x48)
        XCTAssertEqual(store.storeSize, 0x3FFB8)
        XCTAssertTrue(store.authenticated)
        XCTAssertEqual(store.headers.count, 19, "two of them superseded copies")
        XCTAssertEqual(store.live.count, 17)
        XCTAssertEqual(store.live("Lang")?.dataHex, "656e6700", "\"eng\" with its NUL")
        XCTAssertEqual(store.live("PlatformLang")?.dataHex, "656e00")
        XCTAssertEqual(store.live("BootOrder")?.dataHex, "00000100", "Boot0000, Boot0001")
        XCTAssertEqual(store.live("Timeout")?.dataHex, "0500")
        for name in ["Boot0000", "Boot0001", "BootOrder", "Lang", "PlatformLang"] {
            XCTAssertEqual(store.live(name)?.attributes, 7, "\(name): NV+BS+RT")
        }
        XCTAssertEqual(store.live("MTC", guid: "eb704011-1402-11d3-8e77-00a0c969723b")?.dataHex, "01000000", "first boot: count 1")
        XCTAssertEqual(store.live("certdb", guid: "d9bee56e-75dc-49d9-b4d7-b534210f637a")?.attributes, 0x27, "time-based authenticated write access")
        // Boot0001, the internal shell: attributes u32 LOAD_OPTION_ACTIVE, then the UCS-2 title.
        let boot1 = try XCTUnwrap(store.live("Boot0001"))
        XCTAssertEqual(Array(boot1.data.prefix(4)), [1, 0, 0, 0])
        XCTAssertEqual(String(decoding: stride(from: 6, to: 42, by: 2).map { UInt16(boot1.data[$0]) | UInt16(boot1.data[$0 + 1]) << 8 }, as: UTF16.self),
                       "EFI Internal Shell")
        // Superseded copies are deleted (0x3C): the live set has one copy per name.
        XCTAssertEqual(Set(store.live.map(\.key)).count, store.live.count)
        XCTAssertEqual(Set(store.headers.map(\.state)), [0x3F, 0x3C])
    }

    /// The OVMF 4M first boot's final image: the store at the start of a 528 KiB FV of 4 KiB blocks.
    func testSharedOVMFFinalImage() throws {
        let path = shared.appendingPathComponent("x86-q35-ovmf4m-firstboot/vars-after.fd.xz").path
        try require([path])
        let store = try onlyStore(try VarStoreOracle.image(path), "OVMF vars-after")
        XCTAssertEqual(store.fvOffset, 0)
        XCTAssertEqual(store.fvLength, 0x84000)
        XCTAssertEqual(store.storeOffset, 0x48)
        XCTAssertEqual(store.storeSize, 0x3FFB8)
        XCTAssertTrue(store.authenticated)
        XCTAssertEqual(store.headers.count, 53)
        XCTAssertEqual(store.live.count, 27)
        for name in ["Boot0000", "Boot0001", "Boot0002", "BootOrder", "Lang", "PlatformLang", "ConIn", "ConOut"] {
            XCTAssertEqual(store.live(name)?.attributes, 7, name)
        }
        XCTAssertEqual(store.live("BootOrder")?.dataHex, "000001000200")
        XCTAssertEqual(store.live("Lang")?.dataHex, "656e6700")
        XCTAssertEqual(store.live("PlatformLang")?.dataHex, "656e00")
        XCTAssertEqual(store.live.filter { $0.guid == "59324945-ec44-4c0d-b1cd-9db139df070c" }.map(\.name),
                       (1...8).map { "Attempt \($0)" }, "the iSCSI driver's attempts, names with a space")
    }

    /// Debian's templates: OVMF's is a formatted store with no variable; AAVMF's is all zero (the
    /// firmware formats it on the first boot), so it has no store; the ".ms" ones hold the
    /// Secure Boot keys.
    func testDebianTemplates() throws {
        let ovmf = "/usr/share/OVMF/OVMF_VARS_4M.fd", ovmfMS = "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"
        let aavmf = "/usr/share/AAVMF/AAVMF_VARS.fd", aavmfMS = "/usr/share/AAVMF/AAVMF_VARS.ms.fd"
        try require([ovmf, ovmfMS, aavmf, aavmfMS])
        let empty = try onlyStore(try VarStoreOracle.image(ovmf), ovmf)
        XCTAssertEqual(empty.fvLength, 0x84000)
        XCTAssertEqual(empty.storeSize, 0x3FFB8)
        XCTAssertTrue(empty.authenticated)
        XCTAssertEqual(empty.headers, [])
        XCTAssertEqual(VarStoreOracle.stores(in: try VarStoreOracle.image(aavmf)).count, 0)
        let securityDatabase = "d719b2cb-3d3a-4596-a3bc-dad00e67656f"
        for path in [ovmfMS, aavmfMS] {
            let store = try onlyStore(try VarStoreOracle.image(path), path)
            XCTAssertEqual(store.live("PK")?.attributes, 0x27, "\(path): NV+BS+RT+time-based authenticated")
            XCTAssertEqual(store.live("KEK")?.attributes, 0x27, path)
            XCTAssertEqual(store.live("db", guid: securityDatabase)?.attributes, 0x27, path)
            XCTAssertEqual(store.live("dbx", guid: securityDatabase)?.attributes, 0x27, path)
            // An EFI_SIGNATURE_LIST of X.509 certificates starts with EFI_CERT_X509_GUID.
            XCTAssertEqual(store.live("PK").map { VarStoreOracle.guid($0.data, 0) }, "a5c059a1-94e4-4aa7-87b5-ab155c2bf072", path)
        }
    }

    /// The sessions' initial image (Tests/Fixtures/vars/formatted-vars.fd.xz) is an AAVMF first
    /// boot's final image: the same variables as the shared one, none of the sessions' own.
    func testSessionsInitialImage() throws {
        let fixture = packageRoot.appendingPathComponent("Tests/Fixtures/vars/formatted-vars.fd.xz").path
        let path = shared.appendingPathComponent("aarch64-virt-aavmf-firstboot/vars-after.fd.xz").path
        try require([path])
        let store = try onlyStore(try VarStoreOracle.image(fixture), "formatted-vars.fd")
        let reference = try onlyStore(try VarStoreOracle.image(path), "AAVMF vars-after")
        XCTAssertEqual(store.live, reference.live)
        XCTAssertFalse(store.live.contains { $0.guid == sessionGuid })
    }

    // MARK: hand-made stores

    /// Builds an FV header (one block map entry, valid checksum) and a store header at `at` of a
    /// `size`-byte image of erased flash, then the given variables one after another.
    func image(size: Int = 0x4000, at fv: Int = 0x1000, authenticated: Bool, fvGuid: String = VarStoreOracle.nvDataFVGuid,
               variables: [(state: UInt8, attributes: UInt32, name: String, guid: String, data: [UInt8])]) -> [UInt8] {
        var b = [UInt8](repeating: 0xFF, count: size)
        func put(_ bytes: [UInt8], _ at: Int) { b.replaceSubrange(at ..< at + bytes.count, with: bytes) }
        func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0 ..< n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
        func guid(_ s: String) -> [UInt8] {
            let hex = s.replacingOccurrences(of: "-", with: "")
            let bytes = stride(from: 0, to: 32, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! }
            return bytes[0 ..< 4].reversed() + bytes[4 ..< 6].reversed() + bytes[6 ..< 8].reversed() + bytes[8...]
        }
        let fvLength = 0x2000
        put([UInt8](repeating: 0, count: 0x48), fv)
        put(guid(fvGuid), fv + 0x10)
        put(le(UInt64(fvLength), 8), fv + 0x20)
        put(Array("_FVH".utf8), fv + 0x28)
        put(le(0x48, 2), fv + 0x30)
        put([2], fv + 0x37)
        put(le(2, 4) + le(0x1000, 4), fv + 0x38)        // 2 blocks of 4 KiB, then the 0/0 terminator
        var sum: UInt16 = 0
        for i in stride(from: fv, to: fv + 0x48, by: 2) { sum &+= VarStoreOracle.u16(b, i) }
        put(le(UInt64(0 &- sum), 2), fv + 0x32)
        let store = fv + 0x48
        put(guid(authenticated ? VarStoreOracle.authenticatedStoreGuid : VarStoreOracle.plainStoreGuid), store)
        put(le(0x1000 - 0x48, 4) + [0x5A, 0xFE, 0, 0, 0, 0, 0, 0], store + 16)
        var p = store + 28
        for v in variables {
            let name: [UInt8] = v.name.utf16.flatMap { (unit: UInt16) -> [UInt8] in le(UInt64(unit), 2) } + [0, 0]
            var header = le(0x55AA, 2) + [v.state, 0] + le(UInt64(v.attributes), 4)
            if authenticated { header += [UInt8](repeating: 0, count: 28) }      // count, time, key index
            header += le(UInt64(name.count), 4) + le(UInt64(v.data.count), 4) + guid(v.guid)
            put(header + name + v.data, p)
            p = (p + header.count + name.count + v.data.count + 3) & ~3
        }
        return b
    }

    /// Which copies count: added ones; one caught in deleted transition only when no added copy of
    /// the same name and GUID exists; never deleted copies or a header written without its data.
    func testStatesDecideWhatIsLive() throws {
        let g = sessionGuid
        for authenticated in [true, false] {
            let img = image(authenticated: authenticated, variables: [
                (0x3C, 3, "Old", g, [1]),            // deleted
                (0x3E, 3, "Updating", g, [2]),       // in deleted transition, new copy below
                (0x3F, 7, "Kept", g, [3, 4, 5]),
                (0x3E, 3, "Interrupted", g, [6]),    // in deleted transition, no new copy: still the value
                (0x3F, 3, "Updating", g, [7, 8]),
                (0x3F, 3, "Kept", global, [9]),      // same name, other GUID: another variable
                (0x7F, 3, "HalfWritten", g, [10]),   // header valid only
            ])
            let store = try onlyStore(img, "authenticated \(authenticated)")
            XCTAssertEqual(store.fvOffset, 0x1000)
            XCTAssertEqual(store.fvLength, 0x2000)
            XCTAssertEqual(store.storeOffset, 0x1048)
            XCTAssertEqual(store.storeSize, 0x1000 - 0x48)
            XCTAssertEqual(store.authenticated, authenticated)
            XCTAssertEqual(store.headers.map(\.name), ["Old", "Updating", "Kept", "Interrupted", "Updating", "Kept", "HalfWritten"])
            XCTAssertEqual(store.headers.first?.offset, 0x1064, "the first header at the 4-byte-aligned end of the store header")
            XCTAssertEqual(store.live.map { "\($0.name) \($0.guid == g ? "test" : "global") \($0.attributes) \($0.dataHex)" },
                           ["Kept test 7 030405", "Interrupted test 3 06", "Updating test 3 0708", "Kept global 3 09"])
        }
    }

    /// What is not a store: an FV of another file system, a broken checksum, an unknown store GUID.
    func testRejectsWhatIsNotAStore() throws {
        XCTAssertEqual(VarStoreOracle.stores(in: image(authenticated: true, fvGuid: "8c8ce578-8a3d-4f1c-9935-896185c32dd3", variables: [])).count, 0,
                       "EFI_FIRMWARE_FILE_SYSTEM2_GUID: a code FV")
        var broken = image(authenticated: true, variables: [])
        broken[0x1000 + 0x32] ^= 1
        XCTAssertEqual(VarStoreOracle.stores(in: broken).count, 0, "checksum")
        var unknown = image(authenticated: true, variables: [])
        unknown[0x1048] ^= 1
        XCTAssertEqual(VarStoreOracle.stores(in: unknown).count, 0, "store signature")
        XCTAssertEqual(VarStoreOracle.stores(in: [UInt8](repeating: 0xFF, count: 0x10000)).count, 0, "erased flash")
    }
}
