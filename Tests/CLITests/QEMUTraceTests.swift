import XCTest

/// Real firmware boots: QEMU 7.2's own logs (shared/traces) and a live boot recorded with
/// `flashtrace record -- qemu-system-aarch64 …`.
final class QEMUTraceTests: XCTestCase {
    let traces = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/traces")

    func unpack(_ name: String, into dir: URL) throws -> URL {
        let log = dir.appendingPathComponent("\(name).log")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "xz -dc '\(traces.path)/\(name)/trace.log.xz' > '\(log.path)'"]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "xz")
        return log
    }

    func requireFile(_ path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            XCTFail("\(path) is missing: run scripts/setup.sh --tests")
            throw XCTSkip("missing \(path)")
        }
    }

    func testAAVMFBootLogReplaysWithoutDivergence() throws {
        try requireFile("/usr/share/AAVMF/AAVMF_VARS.fd")
        let dir = try temporaryDirectory()
        let log = try unpack("aarch64-virt-aavmf-firstboot", into: dir)
        let r = try flashtrace(["replay", log.path, "--image", "virt.flash1=/usr/share/AAVMF/AAVMF_VARS.fd",
                                "--image", "virt.flash0=/usr/share/AAVMF/AAVMF_CODE.fd", "--format", "json", "-o", "r.json"], cwd: dir)
        XCTAssertEqual(r.status, 1, "the stray stores are errors: \(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("r.json"))) as! [String: Any]
        let summary = report["summary"] as! [String: Any]
        XCTAssertEqual(summary["divergences"] as? Int, 0)
        XCTAssertEqual(summary["events"] as? Int, 18585)
        let findings = report["findings"] as! [[String: Any]]
        let readOnly = findings.filter { $0["rule"] as? String == "write-to-read-only" }
        XCTAssertEqual(readOnly.compactMap { $0["offset"] as? Int }, [0x1cb20, 0x1cb24])
        XCTAssertEqual(Set(readOnly.compactMap { $0["dev"] as? String }), ["virt.flash0"])
        XCTAssertEqual(summary["errors"] as? Int, 2)
        let flash1 = (report["devices"] as! [[String: Any]]).first { $0["name"] as? String == "virt.flash1" }!
        let extent = flash1["extent"] as! [String: Any]
        XCTAssertLessThanOrEqual(extent["written-end"] as! Int, 768 << 10)
        XCTAssertLessThanOrEqual(extent["erased-end"] as! Int, 768 << 10)
        XCTAssertEqual(extent["smallest-safe-image"] as? Int, 768 << 10)

        // The same log without timestamps parses the same way; convert writes the events as JSON lines.
        let c = try flashtrace(["convert", log.path, "-o", "boot.jsonl"], cwd: dir)
        XCTAssertEqual(c.status, 0, c.stderr)
        let j = try flashtrace(["replay", "boot.jsonl", "--image", "virt.flash1=/usr/share/AAVMF/AAVMF_VARS.fd", "--fail-on", "never"], cwd: dir)
        XCTAssertTrue(j.stdout.contains("0 divergences"), j.stdout)
    }

    func testOVMFBootLogReplaysWithoutDivergence() throws {
        try requireFile("/usr/share/OVMF/OVMF_VARS_4M.fd")
        let dir = try temporaryDirectory()
        let log = try unpack("x86-q35-ovmf4m-firstboot", into: dir)
        // Strip the timestamps: QEMU without -msg timestamp=on writes this form.
        let plain = try String(contentsOf: log, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> Substring in
                guard let at = line.firstIndex(of: "@"), let colon = line[at...].firstIndex(of: ":"), line.prefix(while: { $0.isNumber }).count > 0 else { return line }
                return line[line.index(after: colon)...]
            }.joined(separator: "\n")
        try plain.write(to: dir.appendingPathComponent("plain.log"), atomically: true, encoding: .utf8)
        for name in [log.path, "plain.log"] {
            let r = try flashtrace(["replay", name, "--image", "system.flash1=/usr/share/OVMF/OVMF_VARS_4M.fd",
                                    "--image", "system.flash0=/usr/share/OVMF/OVMF_CODE_4M.fd"], cwd: dir)
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            XCTAssertTrue(r.stdout.contains("0 errors, 0 warnings, 0 divergences"), r.stdout)
            XCTAssertTrue(r.stdout.contains("81998 events"), r.stdout)
        }
    }

    /// A live boot: Debian's QEMU and AAVMF under TCG, recorded with `flashtrace record -- …`,
    /// bounded by --timeout, then replayed from the kept initial images.
    func testRecordARealAAVMFBoot() throws {
        try requireFile("/usr/share/AAVMF/AAVMF_CODE.fd")
        try requireFile("/usr/bin/qemu-system-aarch64")
        try requireFile("/usr/bin/expect")
        let dir = try temporaryDirectory()
        try FileManager.default.copyItem(atPath: "/usr/share/AAVMF/AAVMF_VARS.fd", toPath: dir.appendingPathComponent("vars.fd").path)
        let rec = try flashtrace(["record", "-o", "boot.jsonl", "--keep-images", "initial", "--timeout", "400", "--",
                                  "expect", packageRoot.appendingPathComponent("examples/uefi-shell.exp").path,
                                  "qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-m", "512",
                                  "-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd",
                                  "-drive", "if=pflash,format=raw,file=vars.fd",
                                  "-chardev", "stdio,id=ser0,signal=off", "-serial", "chardev:ser0",
                                  "-display", "none", "-monitor", "none", "-net", "none"], cwd: dir, timeout: 500)
        XCTAssertEqual(rec.status, 0, rec.stderr)
        let header = try String(contentsOf: dir.appendingPathComponent("boot.jsonl"), encoding: .utf8).prefix { $0 != "\n" }
        XCTAssertTrue(header.contains(#""path":"initial/virt.flash1.initial.img","sha256":""#), String(header))
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("initial/virt.flash1.initial.img")),
                       try Data(contentsOf: URL(fileURLWithPath: "/usr/share/AAVMF/AAVMF_VARS.fd")), "the kept image is the initial one")
        XCTAssertTrue(header.contains(#""readonly":true"#))
        let rep = try flashtrace(["replay", "boot.jsonl", "--format", "json", "-o", "r.json"], cwd: dir)
        XCTAssertEqual(rep.status, 1, rep.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("r.json"))) as! [String: Any]
        let summary = report["summary"] as! [String: Any]
        XCTAssertEqual(summary["divergences"] as? Int, 0)
        XCTAssertGreaterThan(summary["events"] as! Int, 10_000)
    }
}
