import XCTest

/// Live boots on QEMU 10.0.2 (scripts/qemu-10.sh, from Debian's bookworm-backports) of Debian 12's
/// firmware, recorded with `flashtrace record -- …`, then replayed with no --qemu: the trace's
/// header names the version the binary reported, and QEMU's own log (kept with -D) is replayed
/// with the version inferred from its buffered writes. Both must give 0 divergences.
final class QEMU10BootTests: XCTestCase {
    static let prefix = "/opt/flashtrace-qemu-10.0.2"
    var qemu: String { Self.prefix + "/usr/bin/qemu-system-aarch64" }

    func require(_ paths: [String]) throws {
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            XCTFail("\(path) is missing: run scripts/setup.sh --tests (QEMU 10.0.2 via scripts/qemu-10.sh, AAVMF, U-Boot)")
            throw XCTSkip("missing \(path)")
        }
    }

    func json(_ dir: URL, _ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(name))) as! [String: Any]
    }

    /// Replays `trace` with no device or version flag; returns the report.
    func replay(_ trace: String, in dir: URL, _ extra: [String] = []) throws -> [String: Any] {
        let r = try flashtrace(["replay", trace] + extra + ["--format", "json", "-o", "\(trace).json", "--force", "--fail-on", "never"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try json(dir, "\(trace).json")
    }

    func counts(_ report: [String: Any]) -> [String: Int] {
        var out: [String: Int] = [:]
        for (key, n) in report["counts"] as! [String: Int] { out[String(key.split(separator: "/").last!), default: 0] += n }
        return out
    }

    func divergences(_ report: [String: Any]) -> Int? { (report["summary"] as! [String: Any])["divergences"] as? Int }

    /// U-Boot from -bios: flinfo, erase and cp on both banks, saveenv. On 10.0.2 saveenv succeeds
    /// (the window opens at the first data word): no invalid-sequence, no error at all.
    func testUBootSaveenvOn10() throws {
        try require([qemu, "/usr/lib/u-boot/qemu_arm64/u-boot.bin", "/usr/bin/expect"])
        let dir = try temporaryDirectory()
        _ = FileManager.default.createFile(atPath: dir.appendingPathComponent("flash1.img").path,
                                       contents: Data(repeating: 0xFF, count: 64 << 20))
        let rec = try flashtrace(["record", "-o", "u.jsonl", "--timeout", "300", "--",
                                  "expect", packageRoot.appendingPathComponent("Tests/Fixtures/boots/virt-uboot-bios/drive.exp").path,
                                  qemu, "-L", Self.prefix + "/usr/share/qemu", "-D", "u.log",
                                  "-M", "virt", "-cpu", "cortex-a57", "-m", "512",
                                  "-bios", "/usr/lib/u-boot/qemu_arm64/u-boot.bin",
                                  "-drive", "if=pflash,unit=1,format=raw,file=flash1.img",
                                  "-chardev", "stdio,id=ser0,signal=off", "-serial", "chardev:ser0",
                                  "-display", "none", "-monitor", "none", "-net", "none"], cwd: dir, timeout: 400)
        XCTAssertEqual(rec.status, 0, rec.stderr)
        let header = try String(contentsOf: dir.appendingPathComponent("u.jsonl"), encoding: .utf8).prefix { $0 != "\n" }
        XCTAssertTrue(header.contains(#""qemu":"10.0.2""#), String(header))
        for trace in ["u.jsonl", "u.log"] {
            let report = try replay(trace, in: dir)
            XCTAssertEqual(divergences(report), 0, trace)
            XCTAssertEqual(counts(report), [:], "\(trace): saveenv's buffered writes are legal on 10.0.2")
        }
        let facts = (try replay("u.log", in: dir)["assumptions"] as! [[String: Any]]).map { $0["fact"] as! String }
        XCTAssertTrue(facts.contains("qemu=10.0.2"), "inferred from the log: \(facts)")
        // The same log under the wrong version: divergences that name the version that fits.
        let wrong = try replay("u.log", in: dir, ["--qemu", "7.2.22"])
        XCTAssertGreaterThan(divergences(wrong)!, 0)
        let first = (wrong["findings"] as! [[String: Any]]).first { $0["rule"] as? String == "replay-divergence" }!
        XCTAssertTrue((first["message"] as! String).contains("pass --qemu 10.0.2"), first["message"] as! String)
    }

    /// Debian 12's AAVMF to the UEFI shell, `reset -s`: a first boot's variable store writes.
    func testAAVMFFirstBootOn10() throws {
        try require([qemu, "/usr/share/AAVMF/AAVMF_CODE.fd", "/usr/bin/expect"])
        let dir = try temporaryDirectory()
        try FileManager.default.copyItem(atPath: "/usr/share/AAVMF/AAVMF_VARS.fd", toPath: dir.appendingPathComponent("vars.fd").path)
        let rec = try flashtrace(["record", "-o", "boot.jsonl", "--keep-images", "initial", "--timeout", "400", "--",
                                  "expect", packageRoot.appendingPathComponent("examples/uefi-shell.exp").path,
                                  qemu, "-L", Self.prefix + "/usr/share/qemu", "-D", "boot.log",
                                  "-M", "virt", "-cpu", "cortex-a57", "-m", "512",
                                  "-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd",
                                  "-drive", "if=pflash,format=raw,file=vars.fd",
                                  "-chardev", "stdio,id=ser0,signal=off", "-serial", "chardev:ser0",
                                  "-display", "none", "-monitor", "none", "-net", "none"], cwd: dir, timeout: 500)
        XCTAssertEqual(rec.status, 0, rec.stderr)
        let jsonl = try replay("boot.jsonl", in: dir)
        XCTAssertEqual(divergences(jsonl), 0)
        XCTAssertGreaterThan((jsonl["summary"] as! [String: Any])["events"] as! Int, 10_000)
        let log = try replay("boot.log", in: dir, ["--image", "virt.flash0=/usr/share/AAVMF/AAVMF_CODE.fd",
                                                   "--image", "virt.flash1=initial/virt.flash1.initial.img"])
        XCTAssertEqual(divergences(log), 0)
        XCTAssertEqual(counts(log), counts(jsonl), "the log replays as the trace does")
        XCTAssertNil(counts(log)["invalid-sequence"], "AAVMF's buffered writes are legal")
    }
}
