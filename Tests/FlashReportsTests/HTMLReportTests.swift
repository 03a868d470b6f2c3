import FlashAnalysis
import FlashReports
import FlashTraceIO
import Foundation
import XCTest

final class HTMLReportTests: XCTestCase {
    /// The AAVMF first boot rendered as HTML (with Debian's vars template when installed).
    func aavmfPage(in dir: URL) throws -> String {
        let log = try Fixtures.aavmfBoot(in: dir)
        var collector: ActivityCollector?
        let run = try Fixtures.replay(log, images: ["virt.flash1": Fixtures.aavmfVars]) { configs in
            let c = ActivityCollector(configs: configs)
            collector = c
            return c
        }
        return HTMLReport(report: run.report, activity: try XCTUnwrap(collector).result()).render()
    }

    func testPageIsSelfContainedWithMapsTimelineAndTables() throws {
        let html = try aavmfPage(in: try Fixtures.temporaryDirectory())
        // Nothing fetched, nothing run: no scripts, no external references of any kind.
        for banned in ["<script", "src=", "<link", "@import", "url(http", "<iframe", "<object", "<embed"] {
            XCTAssertFalse(html.lowercased().contains(banned), "page contains \(banned)")
        }
        let httpUses = html.components(separatedBy: "http").count - 1
        let namespaces = html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1
        XCTAssertEqual(httpUses, namespaces, "the only URLs are SVG namespace names")
        // A map per device with its block cells, the two edge lines, the timeline, the tables.
        XCTAssertEqual(html.components(separatedBy: "<svg class=\"map\"").count - 1, 2)
        XCTAssertEqual(html.components(separatedBy: "class=\"cell\"").count - 1, 512, "256 blocks per device")
        XCTAssertTrue(html.contains("class=\"backing-edge\""))
        XCTAssertTrue(html.contains("class=\"safe-edge\""))
        XCTAssertTrue(html.contains("<svg class=\"timeline\""))
        XCTAssertTrue(html.contains("time since the first event"), "the QEMU log has timestamps")
        XCTAssertTrue(html.contains("write-to-read-only</a> ×2"))
        XCTAssertTrue(html.contains("<td>virt.flash1</td><td>cfi01</td><td>64 MiB</td><td>64 MiB</td><td>0x80080</td><td>0xc0000</td>"))
        XCTAssertTrue(html.contains("<td>768 KiB</td>"), "smallest safe image of virt.flash1")
        XCTAssertTrue(html.contains("block 0 [0x0, 0x40000)"), "cell tooltips name the block")
        XCTAssertTrue(html.contains("15 erases"), "block 0 of virt.flash1 is erased 15 times")
    }

    func testChromiumRendersAPictureWithoutConsoleErrors() throws {
        let chromium = try Fixtures.require("chromium", package: "chromium")
        let python = try Fixtures.require("python3", package: "python3")
        let dir = try Fixtures.temporaryDirectory()
        let page = dir.appendingPathComponent("report.html")
        try aavmfPage(in: dir).write(to: page, atomically: true, encoding: .utf8)
        let png = dir.appendingPathComponent("report.png")
        let r = try Fixtures.run(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
            "--enable-logging=stderr", "--v=0", "--screenshot=\(png.path)", "--window-size=1400,1800",
            page.absoluteString,
        ], cwd: dir, timeout: 120)
        XCTAssertEqual(r.status, 0, r.stderr)
        // Console messages (script errors, blocked loads) are logged as CONSOLE lines.
        let console = r.stderr.split(separator: "\n").filter {
            $0.contains("CONSOLE") || $0.contains("Uncaught") || $0.contains("net::ERR") || $0.contains("Refused to")
        }
        XCTAssertEqual(console, [], "console output while rendering the report")

        let stats = try Fixtures.run(python, ["-c", PNGStats.script, png.path])
        XCTAssertEqual(stats.status, 0, stats.stderr)
        let fields = stats.stdout.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        XCTAssertEqual(fields.count, 4, stats.stdout)
        guard fields.count == 4, let colours = Int(fields[2]), let share = Double(fields[3]) else { return }
        XCTAssertEqual(fields[0], "1400")
        XCTAssertEqual(fields[1], "1800")
        XCTAssertGreaterThan(colours, 50, "a blank or one-colour screenshot")
        XCTAssertGreaterThan(share, 0.05, "almost everything is background")
    }
}
