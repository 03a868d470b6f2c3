import XCTest
import FlashTraceIO

final class RecordCLITests: XCTestCase {
    func testDefaultRecordThenReplay() throws {
        let dir = try temporaryDirectory()
        let rec = try flashtrace(["record"], cwd: dir)
        XCTAssertEqual(rec.status, 0, rec.stderr)
        let trace = dir.appendingPathComponent("flashtrace.jsonl")
        let text = try String(contentsOf: trace, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix(#"{"format":"flashtrace","version":1,"qemu":"11.1","devices":["#), "the newest era by default")
        XCTAssertTrue(text.contains(#""event":"write_block_flush""#))
        let rep = try flashtrace(["replay", "flashtrace.jsonl"], cwd: dir)
        XCTAssertEqual(rep.status, 0, rep.stdout + rep.stderr)
        XCTAssertTrue(rep.stdout.contains("0 errors, 0 warnings, 0 divergences"), rep.stdout)
        XCTAssertTrue(rep.stdout.contains("smallest safe"), rep.stdout)
    }

    func testRefusesToOverwriteWithoutForce() throws {
        let dir = try temporaryDirectory()
        XCTAssertEqual(try flashtrace(["record", "-q"], cwd: dir).status, 0)
        let again = try flashtrace(["record", "-q"], cwd: dir)
        XCTAssertEqual(again.status, 73)
        XCTAssertTrue(again.stderr.contains("--force"), again.stderr)
        XCTAssertEqual(try flashtrace(["record", "-q", "--force"], cwd: dir).status, 0)
    }

    func testBadInputSaysWhereAndLeavesNoOutput() throws {
        let dir = try temporaryDirectory()
        let ops = "# device: cfi01,name=f,addr=0x1000,num-blocks=4,sector-length=4K,width=1\nwriteb 0x1000 0x70\nreadb 0x1000\nfrobnicate 0x1\n"
        try ops.write(to: dir.appendingPathComponent("bad.ops"), atomically: true, encoding: .utf8)
        let r = try flashtrace(["record", "--ops", "bad.ops", "-o", "out.jsonl"], cwd: dir)
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("bad.ops:4:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("expected"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.jsonl").path))

        let unmapped = "# device: cfi01,name=f,addr=0x1000,num-blocks=4,sector-length=4K,width=1\nwriteb 0x1000 0x70\nwriteb 0x9000 0xff\n"
        try unmapped.write(to: dir.appendingPathComponent("unmapped.ops"), atomically: true, encoding: .utf8)
        let u = try flashtrace(["record", "--ops", "unmapped.ops", "-o", "out.jsonl"], cwd: dir)
        XCTAssertEqual(u.status, 65)
        XCTAssertTrue(u.stderr.contains("unmapped.ops:3: address 0x9000 is not mapped"), u.stderr)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("out.jsonl") }
        XCTAssertEqual(leftovers, [], "no partial output, temporary or final")

        let prop = try flashtrace(["record", "--device", "cfi01,name=f,num-blocks=4,sector-length=4K,width=1,colour=red", "-o", "p.jsonl"], cwd: dir)
        XCTAssertEqual(prop.status, 64)
        XCTAssertTrue(prop.stderr.contains("unknown property \"colour\""), prop.stderr)
        let number = try flashtrace(["record", "--device", "cfi01,name=f,num-blocks=four,sector-length=4K,width=1", "-o", "p.jsonl"], cwd: dir)
        XCTAssertEqual(number.status, 64)
        XCTAssertTrue(number.stderr.contains("num-blocks=four: expected a number"), number.stderr)
    }

    func testOpsFromStdinWithBoardAndSaveImage() throws {
        let dir = try temporaryDirectory()
        let ops = "writel 0x4000000 0x00400040\nwritel 0x4000000 0x12345678\nwritel 0x4000000 0x00ff00ff\nreadl 0x4000000\n"
        let r = try flashtrace(["record", "--board", "virt", "--backing-size", "virt.flash1=1M", "--ops", "-", "-o", "-",
                                "--save-image", "virt.flash1=final.img"], cwd: dir, input: ops)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains(#""event":"data_write","offset":0,"size":4,"value":305419896"#), r.stdout)
        let image = try Data(contentsOf: dir.appendingPathComponent("final.img"))
        XCTAssertEqual(image.count, 1 << 20)
        XCTAssertEqual([UInt8](image.prefix(4)), [0x78, 0x56, 0x34, 0x12])
    }

    /// Op scripts may come from pipes and devices (`--ops <(generator)`); a directory is refused.
    func testOpsFromAPipeAndADirectory() throws {
        let dir = try temporaryDirectory()
        let r = try flashtrace(["record", "--board", "virt", "--ops", "/dev/stdin", "-o", "-"], cwd: dir,
                               input: "writel 0x4000000 0x00ff00ff\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains(#""event":"io_write","offset":0,"size":4,"value":16711935"#), r.stdout)
        let d = try flashtrace(["record", "--ops", ".", "-o", "-"], cwd: dir)
        XCTAssertEqual(d.status, 66, d.stderr)
        XCTAssertTrue(d.stderr.contains(". is a directory, expected an op script"), d.stderr)
    }

    func testExamplesAreTheBuiltInScenarios() throws {
        for s in Scenario.all {
            let file = packageRoot.appendingPathComponent("examples/\(s.name).ops")
            XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), s.text, "examples/\(s.name).ops differs from the built-in scenario")
        }
    }

    func testHelpHasExamples() throws {
        let dir = try temporaryDirectory()
        for command in ["record", "replay", "convert"] {
            let r = try flashtrace([command, "--help"], cwd: dir)
            XCTAssertEqual(r.status, 0)
            XCTAssertTrue(r.stdout.contains("Examples:"), "\(command) --help")
        }
    }
}
