import Foundation
import XCTest

/// Progress on standard error: only on a terminal, never with --quiet or into a file.
final class ProgressTests: XCTestCase {
    func testProgressOnlyOnATerminal() throws {
        let dir = try Fixtures.temporaryDirectory()
        // About 400 k events: a debug build replays them in well over the half second before the
        // first update (100 k took 0.47 s once the readers got faster).
        let big = try Fixtures.flashtrace(["record", "-q", "--repeat", "2000", "-o", "big.jsonl"], cwd: dir)
        XCTAssertEqual(big.status, 0, big.stderr)

        let plain = try Fixtures.flashtrace(["replay", "big.jsonl", "-o", "r.txt"], cwd: dir)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertFalse(plain.stderr.contains("events/s"), "stderr is a file: \(plain.stderr)")

        let script = try Fixtures.require("script", package: "bsdutils")
        // script(1) gives the command a terminal; its transcript is what the terminal showed.
        let command = "'\(Fixtures.flashtrace.path)' replay big.jsonl -o tty.txt"
        let tty = try Fixtures.run(script, ["-qec", command, "/dev/null"], cwd: dir)
        XCTAssertEqual(tty.status, 0, tty.stderr)
        XCTAssertTrue(tty.stdout.contains("events/s"), "no progress on a terminal: \(tty.stdout.prefix(300))")
        XCTAssertTrue(tty.stdout.contains(" MiB"), tty.stdout.prefix(300).description)
        XCTAssertTrue(tty.stdout.contains("\u{1B}[K"), "the line is erased at the end")

        let quiet = try Fixtures.run(script, ["-qec", command.replacingOccurrences(of: "tty.txt", with: "q.txt") + " --quiet", "/dev/null"], cwd: dir)
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertFalse(quiet.stdout.contains("events/s"), quiet.stdout)
    }
}
