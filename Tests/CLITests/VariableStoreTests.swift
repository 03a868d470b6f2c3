import XCTest

/// Issue 15's Done-when: flashtrace's UEFI variable-store view (`flashtrace vars TRACE --format
/// json`, and the "variable-stores" key of `replay --format json`) against what the firmware
/// really left on the flash.
///
/// Live AAVMF sessions (Tests/Fixtures/vars: setvar.exp, churn.exp) are recorded on QEMU 7.2.22
/// and 10.0.2 and the shared first boots (../shared/traces, recorded on 7.2.22) are replayed or
/// re-run on 10.0.2. Each time, the variables the view says are live at the end of the trace
/// must be exactly those VarStoreOracle parses from the final vars image (names, GUIDs,
/// attributes, data), every history must be well formed, and the variables a session touched
/// must have exactly the history the session gave them.
final class VariableStoreTests: XCTestCase {
    /// The sessions' vendor GUID (generated for them): nothing else uses it.
    static let guid = "ec1bc798-d0ee-4d12-934b-62d8055c3ded"
    static let qemu10Prefix = "/opt/flashtrace-qemu-10.0.2"

    let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures/vars")
    let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/traces")

    static let aavmfCode = "/usr/share/AAVMF/AAVMF_CODE.fd", aavmfVars = "/usr/share/AAVMF/AAVMF_VARS.fd"
    static let ovmfCode = "/usr/share/OVMF/OVMF_CODE_4M.fd", ovmfVars = "/usr/share/OVMF/OVMF_VARS_4M.fd"

    /// The QEMU builds the live tests run on: Debian 12's (on PATH) and 10.0.2 in its own prefix
    /// (scripts/qemu-10.sh), which needs -L for its firmware blobs.
    struct QEMUBuild {
        var version: String
        var bin: String
        var extra: [String]

        static let debian = QEMUBuild(version: "7.2.22", bin: "/usr/bin", extra: [])
        static let qemu10 = QEMUBuild(version: "10.0.2", bin: qemu10Prefix + "/usr/bin",
                                      extra: ["-L", qemu10Prefix + "/usr/share/qemu"])

        func command(_ arch: String) -> [String] { ["\(bin)/qemu-system-\(arch)"] + extra }
    }

    /// AAVMF on virt as Debian's documentation and shared/traces run it: code read-only in pflash
    /// 0, the vars file (in the test's folder) in pflash 1.
    static let aavmfMachine = ["-M", "virt", "-cpu", "cortex-a57", "-m", "512",
                               "-drive", "if=pflash,format=raw,readonly=on,file=\(aavmfCode)",
                               "-drive", "if=pflash,format=raw,file=vars.fd"]
    static let ovmfMachine = ["-M", "q35", "-m", "512",
                              "-drive", "if=pflash,format=raw,readonly=on,file=\(ovmfCode)",
                              "-drive", "if=pflash,format=raw,file=vars.fd"]
    static let console = ["-chardev", "stdio,id=ser0,signal=off", "-serial", "chardev:ser0",
                          "-display", "none", "-monitor", "none", "-net", "none"]

    /// What a test needs from the machine: in CI (CI=true) a missing part fails the test, elsewhere
    /// it skips it, saying what to install.
    func require(_ paths: [String]) throws {
        let missing = paths.filter { !FileManager.default.fileExists(atPath: $0) }
        guard !missing.isEmpty else { return }
        let message = "\(missing.joined(separator: ", ")) missing: run scripts/setup.sh --tests (Debian packages "
            + "qemu-system-arm, qemu-system-x86, qemu-efi-aarch64, ovmf, expect, xz-utils; QEMU 10.0.2 via scripts/qemu-10.sh); "
            + "shared/ must sit beside the package"
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(message) }
        throw XCTSkip(message)
    }

    /// A scratch folder, removed when the test passes (each holds one or two 64 MiB vars images)
    /// and kept, with its path printed, when it fails: the trace, the images and the JSON are there.
    func scratch() throws -> URL {
        let dir = try temporaryDirectory()
        addTeardownBlock { [weak self] in
            if (self?.testRun?.totalFailureCount ?? 0) > 0 {
                print("\(self?.name ?? "test") failed: its trace, images and reports are in \(dir.path)")
            } else {
                try? FileManager.default.removeItem(at: dir)
            }
        }
        return dir
    }


    // MARK: the live sessions

    func testSetvarSessionOn7() throws { try setvarSession(.debian) }
    func testSetvarSessionOn10() throws { try setvarSession(.qemu10) }
    func testChurnSessionOn7() throws { try churnSession(.debian) }
    func testChurnSessionOn10() throws { try churnSession(.qemu10) }

    /// setvar.exp: FtAlpha, FtBeta, FtGamma added, FtAlpha updated, FtBeta deleted, in that order.
    func setvarSession(_ qemu: QEMUBuild) throws {
        let s = try session("setvar", qemu: qemu)
        let mine = variables(s.stores, guid: Self.guid)
        XCTAssertEqual(mine.keys.sorted(), ["FtAlpha", "FtBeta", "FtGamma"], "the session's variables and no other of its GUID")
        // -nv -bs is NV|BS (3); -rt adds RT (7). "=0x1122334455667788" is a little-endian number,
        // "=Sgamma" ASCII without a NUL; the update keeps the attributes the variable has.
        assertHistory(mine["FtAlpha"], attributes: 3, [("add", "01020304"), ("update", "0506")], "FtAlpha")
        assertHistory(mine["FtBeta"], attributes: 7, [("add", "8877665544332211"), ("delete", nil)], "FtBeta")
        assertHistory(mine["FtGamma"], attributes: 3, [("add", "67616d6d61")], "FtGamma")
        let order = [("FtAlpha", 0), ("FtBeta", 0), ("FtGamma", 0), ("FtAlpha", 1), ("FtBeta", 1)].compactMap { name, i in
            (mine[name]?["history"] as? [[String: Any]])?.dropFirst(i).first?["seq"] as? Int
        }
        XCTAssertEqual(order.count, 5)
        XCTAssertEqual(order, order.sorted(), "the operations in the order the session typed them")
        XCTAssertEqual(Set(order).count, order.count)
    }

    /// churn.exp with churn/startup.nsh: FtChurn added with 00, then 40 updates, 01…09, 10…40
    /// (the loop's decimal counter read as hex), each a new value.
    func churnSession(_ qemu: QEMUBuild) throws {
        let s = try session("churn", qemu: qemu, script: "churn.exp",
                            drives: ["-drive", "file=fat:\(fixtures.appendingPathComponent("churn").path),format=raw,if=virtio,readonly=on"])
        let mine = variables(s.stores, guid: Self.guid)
        XCTAssertEqual(mine.keys.sorted(), ["FtChurn"])
        assertHistory(mine["FtChurn"], attributes: 3, [("add", "00")] + (1...40).map { ("update", String(format: "%02d", $0)) }, "FtChurn")

        let initial = try XCTUnwrap(VarStoreOracle.stores(in: s.initial).first)
        let final = try XCTUnwrap(VarStoreOracle.stores(in: s.final).first)
        let store = try XCTUnwrap(s.stores.first { $0["offset"] as? Int == final.fvOffset })
        // 41 variables are far from filling the 256 KiB store: every header of the initial image is
        // still where it was, so no reclaim rewrote the store compactly.
        XCTAssertEqual(final.headers.prefix(initial.headers.count).map { "\($0.offset) \($0.key)" },
                       initial.headers.map { "\($0.offset) \($0.key)" }, "no reclaim (the store kept its old copies)")
        XCTAssertEqual((store["reclaims"] as? [Any])?.count, 0, "no reclaim happened")

        // Loss windows. Every erase that reaches the store wipes all its variables (the session's
        // store always holds at least the initial image's 17 live ones, and the FV's spare block
        // is erased in the initial image: no other complete copy): each such erase must lie in a
        // reported window. On NOR flash only an erase takes a complete copy away (programming only
        // clears bits, and EDK2 never programs over a live copy), so each window must hold one.
        let storeRange = final.storeOffset ..< final.storeOffset + final.storeSize
        let erases = s.erases.filter {
            guard $0["dev"] as? String == "virt.flash1", $0["event"] as? String == "write_block_erase",
                  let offset = $0["offset"] as? Int, let len = $0["len"] as? Int else { return false }
            return (offset ..< offset + len).overlaps(storeRange)
        }.compactMap { $0["seq"] as? Int }
        let windows = (s.replay["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "variable-loss-window" }
        let names = Set(final.live.map(\.name))
        var ranges: [ClosedRange<Int>] = []
        for w in windows {
            let message = w["message"] as? String ?? ""
            XCTAssertEqual(w["severity"] as? String, "warning", message)
            XCTAssertEqual(w["dev"] as? String, "virt.flash1", message)
            guard let range = seqRange(message) else {
                XCTFail("no seq range (\"seq A–B\") in: \(message)")
                continue
            }
            ranges.append(range)
            XCTAssertTrue(range.lowerBound >= 0 && range.upperBound <= s.lastSeq, "\(range) inside the trace's 0…\(s.lastSeq): \(message)")
            if let seq = w["seq"] as? Int { XCTAssertTrue(range.contains(seq), "the finding's seq \(seq) in its window \(range)") }
            XCTAssertTrue(erases.contains { range.contains($0) }, "window \(range) holds an erase of the store")
            XCTAssertTrue(names.contains { message.contains($0) }, "the message names the variables at risk: \(message)")
        }
        for erase in erases {
            XCTAssertTrue(ranges.contains { $0.contains(erase) }, "the erase of the store at seq \(erase) is in a reported loss window")
        }
    }

    /// `seq A–B` (en dash as in flashtrace's other ranges; a hyphen or .. also read).
    func seqRange(_ message: String) -> ClosedRange<Int>? {
        guard let m = message.firstMatch(of: /seq\s+(\d+)\s*(?:–|-|\.\.)\s*(\d+)/),
              let a = Int(m.1), let b = Int(m.2), a <= b else { return nil }
        return a ... b
    }

    struct Session {
        /// flashtrace vars' "variable-stores".
        var stores: [[String: Any]]
        /// flashtrace replay's JSON report.
        var replay: [String: Any]
        var initial: [UInt8]
        var final: [UInt8]
        /// The trace's block erases, parsed.
        var erases: [[String: Any]]
        var lastSeq: Int
    }

    /// Records a session from the formatted initial image, then runs every general check on it.
    func session(_ name: String, qemu: QEMUBuild, script: String = "setvar.exp", drives: [String] = []) throws -> Session {
        try require([qemu.command("aarch64")[0], Self.aavmfCode, "/usr/bin/expect", "/usr/bin/xz"])
        let dir = try scratch()
        // QEMU writes vars.fd in place: initial.fd stays the pristine image for --image.
        try sh("xz -dc '\(fixtures.path)/formatted-vars.fd.xz' > initial.fd && cp initial.fd vars.fd", in: dir)
        let trace = "\(name).jsonl"
        try record(trace, script: fixtures.appendingPathComponent(script).path, qemu.command("aarch64") + Self.aavmfMachine + drives, version: qemu.version, in: dir)
        let initial = try VarStoreOracle.image(dir.appendingPathComponent("initial.fd").path)
        let final = try VarStoreOracle.image(dir.appendingPathComponent("vars.fd").path)
        let checked = try checkView(trace, images: ["virt.flash1=initial.fd"], device: "virt.flash1", initial: initial, final: final, in: dir)
        let scanned = try scan(dir.appendingPathComponent(trace), events: #""event":"write_block_erase""#)
        return Session(stores: checked.stores, replay: checked.replay, initial: initial, final: final,
                       erases: scanned.events, lastSeq: try XCTUnwrap(scanned.lastSeq))
    }

    /// A JSON-lines recording's last seq, and the events whose line contains `marker`, parsed.
    func scan(_ trace: URL, events marker: String? = nil) throws -> (lastSeq: Int?, events: [[String: Any]]) {
        let lines = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n")
        func parse(_ line: Substring) -> [String: Any]? { try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] }
        let last = lines.last { $0.hasPrefix(#"{"seq":"#) }.flatMap(parse)?["seq"] as? Int
        return (last, marker.map { m in lines.filter { $0.contains(m) }.compactMap(parse) } ?? [])
    }

    /// `flashtrace record -o TRACE --timeout 300 -- expect SCRIPT QEMU…`: the script's exit status
    /// (0 only when every command of the session succeeded and QEMU powered off) passes through.
    func record(_ trace: String, script: String, _ command: [String], version: String, in dir: URL) throws {
        let started = Date()
        let r = try flashtrace(["record", "-o", trace, "--timeout", "300", "--", "expect", script] + command + Self.console,
                               cwd: dir, timeout: 400)
        XCTAssertEqual(r.status, 0, r.stderr)
        let header = try String(contentsOf: dir.appendingPathComponent(trace), encoding: .utf8).prefix { $0 != "\n" }
        XCTAssertTrue(header.contains(#""qemu":"\#(version)""#), String(header))
        print("\(trace) on QEMU \(version): recorded in \(Int(Date().timeIntervalSince(started))) s")
    }

    // MARK: the shared boots and their re-runs on 10.0.2

    /// shared/traces/aarch64-virt-aavmf-firstboot: QEMU 7.2.22's log of a first boot from Debian's
    /// all-zero AAVMF_VARS.fd (the firmware formats the store), vars-after.fd.xz its final image.
    func testSharedAAVMFFirstBoot() throws {
        let folder = shared.appendingPathComponent("aarch64-virt-aavmf-firstboot")
        try sharedBoot(folder, log: "aavmf.log", device: "virt.flash1",
                       images: ["virt.flash0=\(Self.aavmfCode)", "virt.flash1=\(Self.aavmfVars)"], initial: Self.aavmfVars)
    }

    /// shared/traces/x86-q35-ovmf4m-firstboot: OVMF 4M on q35 from Debian's OVMF_VARS_4M.fd (an
    /// empty store), vars-after.fd.xz its final image.
    func testSharedOVMFFirstBoot() throws {
        let folder = shared.appendingPathComponent("x86-q35-ovmf4m-firstboot")
        try sharedBoot(folder, log: "ovmf.log", device: "system.flash1",
                       images: ["system.flash0=\(Self.ovmfCode)", "system.flash1=\(Self.ovmfVars)"], initial: Self.ovmfVars)
    }

    func sharedBoot(_ folder: URL, log: String, device: String, images: [String], initial: String) throws {
        let xzLog = folder.appendingPathComponent("trace.log.xz").path, after = folder.appendingPathComponent("vars-after.fd.xz").path
        try require([xzLog, after, initial, "/usr/bin/xz"] + images.map { String($0.split(separator: "=", maxSplits: 1)[1]) })
        let dir = try scratch()
        try sh("xz -dc '\(xzLog)' > '\(log)'", in: dir)
        _ = try checkView(log, images: images, device: device, initial: try VarStoreOracle.image(initial),
                          final: try VarStoreOracle.image(after), in: dir)
    }

    /// The shared AAVMF boot again, live on 10.0.2: Debian's AAVMF_VARS.fd copied, the UEFI shell
    /// reached and `reset -s` typed (examples/uefi-shell.exp, as the shared drive.exp does).
    func testAAVMFFirstBootOn10() throws {
        try freshBootOn10(arch: "aarch64", machine: Self.aavmfMachine, device: "virt.flash1", vars: Self.aavmfVars, code: Self.aavmfCode)
    }

    /// The shared OVMF 4M boot again, live on 10.0.2.
    func testOVMFFirstBootOn10() throws {
        try freshBootOn10(arch: "x86_64", machine: Self.ovmfMachine, device: "system.flash1", vars: Self.ovmfVars, code: Self.ovmfCode)
    }

    func freshBootOn10(arch: String, machine: [String], device: String, vars: String, code: String) throws {
        let qemu = QEMUBuild.qemu10
        try require([qemu.command(arch)[0], code, vars, "/usr/bin/expect"])
        let dir = try scratch()
        try FileManager.default.copyItem(atPath: vars, toPath: dir.appendingPathComponent("vars.fd").path)
        try record("boot.jsonl", script: packageRoot.appendingPathComponent("examples/uefi-shell.exp").path,
                   qemu.command(arch) + machine, version: qemu.version, in: dir)
        _ = try checkView("boot.jsonl", images: ["\(device)=\(vars)"], device: device, initial: try VarStoreOracle.image(vars),
                          final: try VarStoreOracle.image(dir.appendingPathComponent("vars.fd").path), in: dir)
    }

    // MARK: the view and its general checks

    /// `flashtrace vars TRACE --image … --format json` and `flashtrace replay TRACE --image …
    /// --format json`, then what holds for every trace: the two give the same stores, the live
    /// variables at the end are the final image's, the "initial" ones the initial image's, and
    /// every history is well formed.
    func checkView(_ trace: String, images: [String], device: String, initial: [UInt8], final: [UInt8],
                   in dir: URL) throws -> (stores: [[String: Any]], replay: [String: Any]) {
        let imageArgs = images.flatMap { ["--image", $0] }
        let r = try flashtrace(["vars", trace] + imageArgs + ["--format", "json"], cwd: dir, timeout: 900)
        XCTAssertEqual(r.status, 0, r.stderr)
        guard let object = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
              let stores = object["variable-stores"] as? [[String: Any]] else {
            XCTFail("flashtrace vars \(trace): no {\"variable-stores\": [...]} on stdout (status \(r.status)): \(r.stderr.prefix(500))")
            throw OracleError("no variable-stores from flashtrace vars")
        }
        let rr = try flashtrace(["replay", trace] + imageArgs + ["--format", "json", "-o", "\(trace).json", "--force", "--fail-on", "never"],
                                cwd: dir, timeout: 900)
        XCTAssertEqual(rr.status, 0, rr.stderr)
        let replay = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("\(trace).json"))) as! [String: Any]
        XCTAssertEqual((replay["summary"] as? [String: Any])?["divergences"] as? Int, 0, "\(trace) replays without divergence")
        XCTAssertEqual((replay["variable-stores"] as? [Any]).map { $0 as NSArray }, stores as NSArray,
                       "replay's \"variable-stores\" is what vars prints")

        XCTAssertEqual(Set(stores.compactMap { $0["dev"] as? String }), [device], "\(trace): stores only on the vars device")
        assertLive(stores, device: device, image: final, trace)
        assertInitial(stores, device: device, image: initial, trace)
        let jsonl = trace.hasSuffix(".jsonl")
        let lastSeq = jsonl ? try scan(dir.appendingPathComponent(trace)).lastSeq : nil
        assertHistoriesWellFormed(stores, lastSeq: lastSeq, lineIsSeqPlus2: jsonl, trace)
        return (stores, replay)
    }

    func describe(_ name: String, _ guid: String, _ attributes: Int?, _ data: String?) -> String {
        "\(guid):\(name) attributes=\(attributes.map { String(format: "0x%x", $0) } ?? "?") data=\(data ?? "?")"
    }

    /// The view's variables live at the end of the trace (last op not a delete; value = that op's
    /// data) are exactly the final image's, store by store.
    func assertLive(_ stores: [[String: Any]], device: String, image: [UInt8], _ what: String,
                    file: StaticString = #filePath, line: UInt = #line) {
        let oracle = VarStoreOracle.stores(in: image)
        let mine = stores.filter { $0["dev"] as? String == device }
        XCTAssertEqual(mine.compactMap { $0["offset"] as? Int }.sorted(), oracle.map(\.fvOffset),
                       "\(what): the stores the final image holds", file: file, line: line)
        for o in oracle {
            guard let s = mine.first(where: { $0["offset"] as? Int == o.fvOffset }) else { continue }
            XCTAssertEqual(s["fv-length"] as? Int, o.fvLength, "\(what): fv-length", file: file, line: line)
            XCTAssertEqual(s["store-offset"] as? Int, o.storeOffset, "\(what): store-offset (in the device)", file: file, line: line)
            XCTAssertEqual(s["store-size"] as? Int, o.storeSize, "\(what): store-size", file: file, line: line)
            XCTAssertEqual(s["authenticated"] as? Bool, o.authenticated, "\(what): authenticated", file: file, line: line)
            var view: Set<String> = []
            for v in s["variables"] as? [[String: Any]] ?? [] {
                guard let last = (v["history"] as? [[String: Any]])?.last, last["op"] as? String != "delete" else { continue }
                view.insert(describe(v["name"] as? String ?? "?", v["guid"] as? String ?? "?", v["attributes"] as? Int, last["data"] as? String))
            }
            let flash = Set(o.live.map { describe($0.name, $0.guid, Int($0.attributes), $0.dataHex) })
            XCTAssertEqual(view.count, o.live.count, "\(what): \(o.live.count) live variables", file: file, line: line)
            XCTAssertTrue(view == flash, "\(what): live at the end of the trace but not so on the flash: \(view.subtracting(flash).sorted()); "
                          + "on the flash but not in the view: \(flash.subtracting(view).sorted())", file: file, line: line)
        }
    }

    /// Variables whose history starts with "initial" are exactly the initial image's live ones,
    /// with its data.
    func assertInitial(_ stores: [[String: Any]], device: String, image: [UInt8], _ what: String,
                       file: StaticString = #filePath, line: UInt = #line) {
        var view: Set<String> = []
        for s in stores where s["dev"] as? String == device {
            for v in s["variables"] as? [[String: Any]] ?? [] {
                guard let first = (v["history"] as? [[String: Any]])?.first, first["op"] as? String == "initial" else { continue }
                view.insert(describe(v["name"] as? String ?? "?", v["guid"] as? String ?? "?", nil, first["data"] as? String))
            }
        }
        let flash = Set(VarStoreOracle.stores(in: image).flatMap(\.live).map { describe($0.name, $0.guid, nil, $0.dataHex) })
        XCTAssertTrue(view == flash, "\(what): \"initial\" but not in the initial image: \(view.subtracting(flash).sorted()); "
                      + "in the initial image but not \"initial\": \(flash.subtracting(view).sorted())", file: file, line: line)
    }

    /// Every history: "initial" only first; "add" only when the variable is not live, "update" and
    /// "delete" only when it is; data as lowercase hex on all but deletes, size its byte count;
    /// seq strictly increasing and inside the trace, and in a JSON-lines recording the line of the
    /// same event (the header is line 1, seq 0 line 2).
    func assertHistoriesWellFormed(_ stores: [[String: Any]], lastSeq: Int?, lineIsSeqPlus2: Bool, _ what: String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        let guidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/
        for s in stores {
            for v in s["variables"] as? [[String: Any]] ?? [] {
                let name = "\(what): \(v["guid"] as? String ?? "?"):\(v["name"] as? String ?? "?")"
                XCTAssertNotNil(v["name"] as? String, name, file: file, line: line)
                XCTAssertNotNil((v["guid"] as? String)?.wholeMatch(of: guidPattern), "\(name): lowercase canonical GUID", file: file, line: line)
                XCTAssertNotNil(v["attributes"] as? Int, "\(name): attributes", file: file, line: line)
                let history = v["history"] as? [[String: Any]] ?? []
                XCTAssertFalse(history.isEmpty, "\(name): a history", file: file, line: line)
                var live = false
                var previous = -1
                for (i, op) in history.enumerated() {
                    let kind = op["op"] as? String ?? "?"
                    let at = "\(name) op \(i) (\(kind))"
                    switch kind {
                    case "initial": XCTAssertEqual(i, 0, "\(at): only first", file: file, line: line); live = true
                    case "add": XCTAssertFalse(live, "\(at): of a live variable", file: file, line: line); live = true
                    case "update": XCTAssertTrue(live, "\(at): of a variable not live", file: file, line: line)
                    case "delete": XCTAssertTrue(live, "\(at): of a variable not live", file: file, line: line); live = false
                    default: XCTFail("\(at): unknown op", file: file, line: line)
                    }
                    if kind == "delete" {
                        XCTAssertNil(op["data"], "\(at): no data", file: file, line: line)
                    } else if let data = op["data"] as? String {
                        XCTAssertNotNil(data.wholeMatch(of: /([0-9a-f]{2})*/), "\(at): lowercase hex", file: file, line: line)
                        XCTAssertEqual(op["size"] as? Int, data.count / 2, "\(at): size", file: file, line: line)
                    } else {
                        XCTFail("\(at): no data", file: file, line: line)
                    }
                    guard kind != "initial" else { continue }
                    guard let seq = op["seq"] as? Int, let opLine = op["line"] as? Int else {
                        XCTFail("\(at): seq and line", file: file, line: line)
                        continue
                    }
                    XCTAssertGreaterThan(seq, previous, "\(at): seq after the op before", file: file, line: line)
                    previous = seq
                    if let lastSeq { XCTAssertLessThanOrEqual(seq, lastSeq, "\(at): inside the trace", file: file, line: line) }
                    if lineIsSeqPlus2 { XCTAssertEqual(opLine, seq + 2, "\(at): line of seq \(seq)", file: file, line: line) }
                    XCTAssertGreaterThan(opLine, 0, at, file: file, line: line)
                }
            }
        }
    }

    /// The view's variables of `guid`, by name.
    func variables(_ stores: [[String: Any]], guid: String) -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for s in stores {
            for v in s["variables"] as? [[String: Any]] ?? [] where v["guid"] as? String == guid {
                if let name = v["name"] as? String { out[name] = v }
            }
        }
        return out
    }

    /// The history is exactly `ops` (op, data) with these attributes.
    func assertHistory(_ variable: [String: Any]?, attributes: Int, _ ops: [(String, String?)], _ what: String,
                       file: StaticString = #filePath, line: UInt = #line) {
        guard let variable else { return XCTFail("\(what): not in the view", file: file, line: line) }
        XCTAssertEqual(variable["attributes"] as? Int, attributes, "\(what): attributes", file: file, line: line)
        let history = (variable["history"] as? [[String: Any]] ?? []).map { "\($0["op"] as? String ?? "?") \($0["data"] as? String ?? "-")" }
        XCTAssertEqual(history, ops.map { "\($0.0) \($0.1 ?? "-")" }, "\(what): history", file: file, line: line)
    }
}
