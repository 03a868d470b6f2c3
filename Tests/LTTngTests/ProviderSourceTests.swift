import FlashEvents
@testable import FlashLTTng
import Foundation
import XCTest

// The provider in tracepoints/ must declare exactly the vocabulary of EventSpec.table: the
// committed files equal the generator's output, and an independent parse of the header finds
// every event and field (name and C type) of the table and nothing else.

final class ProviderSourceTests: XCTestCase {
    let dir = packageRoot.appendingPathComponent("tracepoints")

    func committed(_ name: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    func testCommittedFilesAreGenerated() throws {
        let regenerate = "regenerate with `swift run flashtrace-lttng-dev gen-provider tracepoints`"
        XCTAssertEqual(try committed(ProviderSource.headerName), ProviderSource.header(), "tracepoints/flashtrace_tp.h is stale: \(regenerate)")
        XCTAssertEqual(try committed(ProviderSource.callsName), ProviderSource.calls(), "tracepoints/flashtrace_calls.h is stale: \(regenerate)")
    }

    func testHeaderDeclaresExactlyTheVocabulary() throws {
        XCTAssertEqual(Self.differences(header: try committed(ProviderSource.headerName)), [])
    }

    /// The check above must notice a field or an event present on one side only.
    func testDifferencesAreDetected() throws {
        let header = try committed(ProviderSource.headerName)
        let noValue = header.replacingOccurrences(of: "\t\tlttng_ust_field_integer_hex(uint32_t, value, value_)\n", with: "")
        XCTAssertTrue(Self.differences(header: noValue).contains { $0.contains("data_read") && $0.contains("value") })
        let extra = header.replacingOccurrences(of: "LTTNG_UST_TRACEPOINT_EVENT(flashtrace, reset,",
                                                with: "LTTNG_UST_TRACEPOINT_EVENT(flashtrace, reset_extra,")
        let d = Self.differences(header: extra)
        XCTAssertTrue(d.contains { $0.contains("reset_extra") }, "\(d)")
        XCTAssertTrue(d.contains { $0.contains("missing event reset") }, "\(d)")
        let retyped = header.replacingOccurrences(of: "lttng_ust_field_integer_hex(uint16_t, id, id_)", with: "lttng_ust_field_integer_hex(uint32_t, id, id_)")
        XCTAssertTrue(Self.differences(header: retyped).contains { $0.contains("device_id") && $0.contains("id") })
    }

    /// Events of the header as (name, [(field, C type)]), from its LTTNG_UST_TRACEPOINT_EVENT blocks.
    static func parse(header: String) -> [(String, [(String, String)])] {
        var events: [(String, [(String, String)])] = []
        let blocks = header.components(separatedBy: "LTTNG_UST_TRACEPOINT_EVENT(flashtrace, ").dropFirst()
        for block in blocks {
            let name = String(block.prefix { $0 != "," })
            var fields: [(String, String)] = []
            for line in block.split(separator: "\n") {
                let t = line.trimmingCharacters(in: .whitespaces)
                guard t.hasPrefix("lttng_ust_field_"), let open = t.firstIndex(of: "("), let close = t.lastIndex(of: ")") else { continue }
                let parts = t[t.index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if t.hasPrefix("lttng_ust_field_string") { fields.append((parts[0], "string")) } else { fields.append((parts[1], parts[0])) }
            }
            events.append((name, fields))
        }
        return events
    }

    static func differences(header: String) -> [String] {
        let cTypes: [ArgType: String] = [.u8: "uint8_t", .u16: "uint16_t", .u32: "uint32_t", .u64: "uint64_t", .i32: "int32_t", .string: "string"]
        var expected: [String: [(String, String)]] = [:]
        for spec in EventSpec.table {
            expected[spec.name] = [("seq", "uint64_t"), ("ts", "uint64_t"), ("dev", "string")] + spec.args.map { ($0.name, cTypes[$0.type]!) }
        }
        expected[ProviderSource.deviceConfigEvent] = [("dev", "string"), ("config", "string")]
        var found: [String: [(String, String)]] = [:]
        var out: [String] = []
        for (name, fields) in parse(header: header) {
            if found[name] != nil { out.append("event \(name) declared twice") }
            found[name] = fields
        }
        for name in Set(expected.keys).union(found.keys).sorted() {
            guard let e = expected[name] else { out.append("event \(name) in the header only"); continue }
            guard let f = found[name] else { out.append("missing event \(name) in the header"); continue }
            let render = { (fs: [(String, String)]) in fs.map { "\($0.0):\($0.1)" }.joined(separator: " ") }
            if render(e) != render(f) { out.append("\(name): vocabulary [\(render(e))], header [\(render(f))]") }
        }
        return out
    }
}
