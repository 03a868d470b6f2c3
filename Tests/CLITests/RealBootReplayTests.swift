import XCTest

/// Real QEMU 7.2.22 boots of Debian 12's firmware (Tests/Fixtures/boots, how each was made is in
/// its cmd.sh), replayed as a new user would: `--image` for the initial images and no other flag.
/// Each must replay with 0 divergences and only the findings the boot deserves.
final class RealBootReplayTests: XCTestCase {
    let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures/boots")


    func requireFiles(_ paths: [String]) throws {
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            XCTFail("\(path) is missing: run scripts/setup.sh --tests (Debian packages ovmf, u-boot-qemu)")
            throw XCTSkip("missing \(path)")
        }
    }

    /// Replays the fixture's log with `args`; returns the JSON report.
    func replay(_ name: String, _ args: [String], in dir: URL, status: Int32) throws -> [String: Any] {
        try sh("xz -dc '\(fixtures.path)/\(name)/trace.log.xz' > '\(name).log'", in: dir)
        let r = try flashtrace(["replay", "\(name).log"] + args + ["--format", "json", "-o", "\(name).json", "--force"], cwd: dir)
        XCTAssertEqual(r.status, status, r.stderr)
        return try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("\(name).json"))) as! [String: Any]
    }

    func summary(_ report: [String: Any]) -> [String: Int] { (report["summary"] as! [String: Any]).compactMapValues { $0 as? Int } }
    func rules(_ report: [String: Any]) -> [String: Int] {
        var out: [String: Int] = [:]
        for (key, n) in report["counts"] as! [String: Int] { out[String(key.split(separator: "/").last!), default: 0] += n }
        return out
    }
    func devices(_ report: [String: Any]) -> [String] { (report["devices"] as! [[String: Any]]).map { $0["name"] as! String } }
    func assumed(_ report: [String: Any], _ device: String) -> [String] {
        (report["assumptions"] as! [[String: Any]]).filter { $0["dev"] as? String == device }.map { $0["fact"] as! String }
    }

    /// OVMF 4M on q35 with a 1 MiB vars file (larger than the 528 KiB the board's usual image has):
    /// the size comes from the image, and the store at 0x7c000 is written without a finding.
    func testOVMFWithVarsLargerThanTheBoards() throws {
        try requireFiles(["/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"])
        let dir = try temporaryDirectory()
        try sh("{ head -c 507904 /dev/zero; cat /usr/share/OVMF/OVMF_VARS_4M.fd; } > vars1m.fd", in: dir)
        let report = try replay("q35-ovmf4m-vars1m", ["--image", "system.flash0=/usr/share/OVMF/OVMF_CODE_4M.fd",
                                                      "--image", "system.flash1=vars1m.fd"], in: dir, status: 0)
        XCTAssertEqual(summary(report)["divergences"], 0)
        XCTAssertEqual(summary(report)["errors"], 0)
        XCTAssertEqual(summary(report)["warnings"], 0)
        let flash1 = (report["devices"] as! [[String: Any]]).first { $0["name"] as? String == "system.flash1" }!
        XCTAssertEqual(flash1["size"] as? Int, 1 << 20, "the size of the image given")
        XCTAssertGreaterThan((flash1["extent"] as! [String: Any])["written-end"] as! Int, 0x7c000, "the store where OVMF_CODE_4M looks for it")
        XCTAssertEqual(assumed(report, "system.flash1"), ["readonly=off"], "proven by the log")
        let stores = report["variable-stores"] as! [[String: Any]]
        XCTAssertEqual(stores.map { $0["offset"] as? Int }, [0x7c000], "the store where the image holds it, written inside")
        XCTAssertGreaterThan((stores[0]["variables"] as! [Any]).count, 10)
    }

    /// The mismatched pair: OVMF's 2 MiB code with the 4M build's vars file. The firmware looks
    /// for its store at flash1 offset 0x64000, inside the image's FV (its FTW spare block), and
    /// formats an FV of its own there: one write-outside-variable-store finding at that write.
    func testMismatchedOVMFPairFormatsItsOwnStore() throws {
        try requireFiles(["/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"])
        let dir = try temporaryDirectory()
        let report = try replay("q35-ovmf2m-vars4m", ["--image", "system.flash0=/usr/share/OVMF/OVMF_CODE.fd",
                                                      "--image", "system.flash1=/usr/share/OVMF/OVMF_VARS_4M.fd"], in: dir, status: 0)
        XCTAssertEqual(summary(report)["divergences"], 0)
        XCTAssertEqual(rules(report), ["write-outside-variable-store": 1])
        let f = (report["findings"] as! [[String: Any]])[0]
        XCTAssertEqual(f["seq"] as? Int, 325)
        XCTAssertEqual(f["offset"] as? Int, 0x64000)
        XCTAssertTrue((f["message"] as! String).contains("does not match this image"), f["message"] as! String)
    }

    /// The same with the 2 MiB OVMF build, whose store sits at 0xe0000 of the 1 MiB vars file: the
    /// writes reach 0xe3f8f, far beyond the 528 KiB the board's usual vars image has.
    func testOVMF2MWritesBeyondTheBoardsVarsSize() throws {
        try requireFiles(["/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"])
        let dir = try temporaryDirectory()
        try sh("{ head -c 917504 /dev/zero; cat /usr/share/OVMF/OVMF_VARS.fd; } > vars1m.fd", in: dir)
        let report = try replay("q35-ovmf2m-vars1m", ["--image", "system.flash0=/usr/share/OVMF/OVMF_CODE.fd",
                                                      "--image", "system.flash1=vars1m.fd"], in: dir, status: 0)
        XCTAssertEqual(summary(report)["divergences"], 0)
        XCTAssertEqual(summary(report)["errors"], 0)
        XCTAssertEqual(summary(report)["warnings"], 0)
        let flash1 = (report["devices"] as! [[String: Any]]).first { $0["name"] as? String == "system.flash1" }!
        XCTAssertEqual((flash1["extent"] as! [String: Any])["written-end"] as? Int, 0xe3f90)
    }

    /// U-Boot started with -bios: flash0 has no drive and is writable (u-boot.bin, then zeros).
    /// U-Boot erases and programs both banks; its saveenv fails on 7.2.22 (QEMU issue 2343): that
    /// one buffered write is the only thing the boot deserves a finding for.
    func testUBootFromBiosWritesBothBanks() throws {
        try requireFiles(["/usr/lib/u-boot/qemu_arm64/u-boot.bin"])
        let dir = try temporaryDirectory()
        try sh("cp /usr/lib/u-boot/qemu_arm64/u-boot.bin flash0.img && truncate -s 64M flash0.img && head -c 64M /dev/zero | tr '\\0' '\\377' > flash1.img", in: dir)
        for args in [["--image", "virt.flash0=flash0.img", "--image", "virt.flash1=flash1.img"], []] {
            let report = try replay("virt-uboot-bios", args, in: dir, status: 1)
            XCTAssertEqual(summary(report)["divergences"], 0, "\(args)")
            XCTAssertEqual(rules(report), ["invalid-sequence": 2], "\(args): no write-to-read-only, no program-without-erase")
            XCTAssertEqual(assumed(report, "virt.flash0"), ["readonly=off"], "flash0 proven writable by its own erase")
            let first = (report["findings"] as! [[String: Any]])[0]
            XCTAssertEqual(first["offset"] as? Int, 0x1000)
            XCTAssertTrue((first["message"] as! String).contains("first data write"), "says why a real part takes it")
        }
    }

    /// `record -- qemu-system-aarch64 -bios u-boot.bin …` live on this machine's QEMU: the header
    /// it writes knows flash0 is writable RAM holding the -bios file, so its own trace replays
    /// with 0 divergences and no flag at all.
    func testRecordUBootFromBiosLive() throws {
        try requireFiles(["/usr/lib/u-boot/qemu_arm64/u-boot.bin", "/usr/bin/qemu-system-aarch64", "/usr/bin/expect"])
        let dir = try temporaryDirectory()
        try sh("head -c 64M /dev/zero | tr '\\0' '\\377' > flash1.img", in: dir)
        let rec = try flashtrace(["record", "-o", "u.jsonl", "--timeout", "240", "--",
                                  "expect", fixtures.appendingPathComponent("virt-uboot-bios/drive.exp").path,
                                  "qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-m", "512",
                                  "-bios", "/usr/lib/u-boot/qemu_arm64/u-boot.bin",
                                  "-drive", "if=pflash,unit=1,format=raw,file=flash1.img",
                                  "-chardev", "stdio,id=ser0,signal=off", "-serial", "chardev:ser0",
                                  "-display", "none", "-monitor", "none", "-net", "none"], cwd: dir, timeout: 300)
        XCTAssertEqual(rec.status, 0, rec.stderr)
        let header = try String(contentsOf: dir.appendingPathComponent("u.jsonl"), encoding: .utf8).prefix { $0 != "\n" }
        XCTAssertTrue(header.contains(#""name":"virt.flash0","type":"cfi01","addr":0,"size":67108864,"backing-size":67108864,"readonly":false"#), String(header))
        let r = try flashtrace(["replay", "u.jsonl", "--format", "json", "-o", "u.json"], cwd: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("u.json"))) as! [String: Any]
        XCTAssertEqual(summary(report)["divergences"], 0)
        XCTAssertEqual(rules(report), ["invalid-sequence": 2], "saveenv's dropped buffer on 7.2.22, nothing else")
    }

    /// The unified OVMF.fd as the only, writable pflash on pc: one device, its variables written.
    func testUnifiedOVMFOnPC() throws {
        try requireFiles(["/usr/share/ovmf/OVMF.fd"])
        let dir = try temporaryDirectory()
        try sh("cp /usr/share/ovmf/OVMF.fd ovmf.fd", in: dir)
        let report = try replay("pc-ovmf-unified", ["--image", "system.flash0=ovmf.fd"], in: dir, status: 0)
        XCTAssertEqual(summary(report)["divergences"], 0)
        XCTAssertEqual(summary(report)["errors"], 0)
        XCTAssertEqual(summary(report)["warnings"], 0)
        XCTAssertEqual(devices(report), ["system.flash0"], "only the device the log names")
        XCTAssertEqual(assumed(report, "system.flash0"), ["readonly=off"])
        let stores = report["variable-stores"] as! [[String: Any]]
        XCTAssertEqual(stores.map { $0["offset"] as? Int }, [0], "the variable FV at the start of the unified image")
    }
}
