import FlashTraceIO
import XCTest

final class JSONValueTests: XCTestCase {
    func testParseAndSerialize() throws {
        let text = #"{"a":[1,-2,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"],"b":{},"c":[],"d":18446744073709551615,"e":-9223372036854775808}"#
        let v = try JSONValue.parse(text)
        XCTAssertEqual(v["a"]?.arrayValue?[0], 1)
        XCTAssertEqual(v["a"]?.arrayValue?[1], .int(-2))
        XCTAssertEqual(v["a"]?.arrayValue?[5].stringValue, "x\"\\/\u{8}\u{c}\n\r\té😀")
        XCTAssertEqual(v["d"], .uint(UInt64.max))
        XCTAssertEqual(v["e"], .int(Int64.min))
        // Serialization is compact and re-parses to the same value; key order is kept.
        let out = v.serialized
        XCTAssertEqual(try JSONValue.parse(out), v)
        XCTAssertEqual(v.objectValue?.map(\.0), ["a", "b", "c", "d", "e"])
        XCTAssertEqual(JSONValue.string("q\"\u{1}\n").serialized, #""q\"\u0001\n""#)
        XCTAssertEqual(try JSONValue.parse(" \t\r\n[ 1 , { \"k\" : \"v\" } ]\n"), [1, ["k": "v"]])
    }

    func testStrictness() {
        let bad: [(String, String)] = [
            ("", "unexpected end of input"),
            ("[1,]", "unexpected character ']'"),
            ("{\"a\":1,}", "expected a string key"),
            ("01", "leading zeros"),
            ("-", "unexpected end"),
            ("1.5", "only integers"),
            ("1e3", "only integers"),
            ("18446744073709551616", "integer out of 64-bit range"),
            ("-9223372036854775809", "integer out of 64-bit range"),
            ("\"a\u{1}\"", "control character"),
            ("\"\\x\"", "invalid escape"),
            ("\"\\ud800\"", "unpaired surrogate"),
            ("\"\\udc00\"", "unpaired surrogate"),
            ("\"abc", "unterminated string"),
            ("tru", "unexpected end"),
            ("nul1", "unexpected character '1'"),
            ("{} {}", "unexpected data after"),
            ("{'a':1}", "expected a string key"),
            ("[1 2]", "expected ',' or ']'"),
            (String(repeating: "[", count: 65) + String(repeating: "]", count: 65), "nesting deeper than 64"),
        ]
        for (text, message) in bad {
            XCTAssertThrowsError(try JSONValue.parse(text), text) { error in
                XCTAssertTrue("\(error)".contains(message), "\(text): \(error) lacks \(message)")
            }
        }
        XCTAssertNoThrow(try JSONValue.parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)))
        XCTAssertThrowsError(try JSONValue.parse(bytes: [0x22, 0xC3, 0x28, 0x22])) { error in
            XCTAssertEqual(error as? JSONError, JSONError(offset: 1, message: "invalid UTF-8"))
        }
        XCTAssertThrowsError(try JSONValue.parse(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22]))  // encoded surrogate
        XCTAssertThrowsError(try JSONValue.parse(bytes: [0x22, 0xC0, 0x80, 0x22]))  // overlong NUL
    }

    func testEqualityAcrossIntegerCases() {
        XCTAssertEqual(JSONValue.int(5), JSONValue.uint(5))
        XCTAssertNotEqual(JSONValue.int(-1), JSONValue.uint(UInt64.max))
        XCTAssertNotEqual(["a": 1, "b": 2] as JSONValue, ["b": 2, "a": 1] as JSONValue)
    }

    func testHeader() throws {
        let json: JSONValue = ["format": "flashtrace", "version": 1,
                               "devices": [["name": "virt.flash0", "type": "cfi01"]], "clock": "virtual"]
        let header = try TraceHeader(json: json)
        XCTAssertEqual(header.devices.count, 1)
        XCTAssertEqual(header.extra.map(\.0), ["clock"])
        XCTAssertEqual(header.json, json)
        XCTAssertThrowsError(try TraceHeader(json: ["format": "flashtrace", "version": 2, "devices": []])) {
            XCTAssertEqual(($0 as? TraceFormatError)?.message, "unsupported version 2 (this reader knows 1)")
        }
        XCTAssertThrowsError(try TraceHeader(json: ["format": "flashtrace", "version": 1, "devices": [1]]))
        XCTAssertThrowsError(try TraceHeader(json: ["seq": 0])) {
            XCTAssertEqual(($0 as? TraceFormatError)?.message, "missing header line")
        }
    }
}
