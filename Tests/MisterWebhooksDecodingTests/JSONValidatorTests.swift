@testable import MisterWebhooksDecoding
import XCTest

/// Runs ``JSONValidator`` on `bytes` and returns its error, or nil when the
/// bytes are valid JSON.
func jsonValidationError(_ bytes: [UInt8]) -> DecodingError? {
    do {
        try withOptionalBuffer(bytes) { buffer in
            try JSONValidator.validate(buffer!.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        return nil
    } catch let error as DecodingError {
        return error
    } catch {
        XCTFail("JSONValidator threw \(type(of: error)), not DecodingError: \(error)")
        return nil
    }
}

func jsonValidationError(_ text: String) -> DecodingError? {
    jsonValidationError(Array(text.utf8))
}

final class JSONValidatorTests: XCTestCase {
    func assertValid(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        assertValid(Array(text.utf8), file: file, line: line)
    }

    func assertValid(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        if let error = jsonValidationError(bytes) {
            XCTFail("expected valid JSON \(UTF8Validation.escaped(bytes)), got \(error.message)", file: file, line: line)
        }
    }

    func assertInvalid(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        assertInvalid(Array(text.utf8), file: file, line: line)
    }

    func assertInvalid(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        guard let error = jsonValidationError(bytes) else {
            XCTFail("expected invalid JSON, accepted \(UTF8Validation.escaped(bytes))", file: file, line: line)
            return
        }
        XCTAssertEqual(error.kind, .payloadDecode, file: file, line: line)
        XCTAssertTrue(error.message.hasPrefix("invalid JSON payload at byte "), error.message, file: file, line: line)
        XCTAssertFalse(error.message.contains("\n"), error.message, file: file, line: line)
    }

    // MARK: - Values

    func testLiterals() {
        assertValid("true")
        assertValid("false")
        assertValid("null")
        assertValid("[true,false,null]")
        assertInvalid("tru")
        assertInvalid("nul")
        assertInvalid("True")
        assertInvalid("NULL")
        assertInvalid("truex")
        assertInvalid("nan")
        assertInvalid("NaN")
        assertInvalid("Infinity")
        assertInvalid("-Infinity")
        assertInvalid("undefined")
    }

    func testNumbers() {
        for text in ["0", "-0", "1", "-1", "123", "1.5", "-0.5", "0.0", "1e5", "1E5", "1e+5", "1e-5", "-0.5E-3",
                     "1.25e10", "1e400", "123456789012345678901234567890", "18446744073709551616", "[0,1,-0]"] {
            assertValid(text)
        }
        for text in ["01", "-01", "00", "+1", "-", "1.", ".5", "-.5", "1e", "1e+", "1E-", "1.e5", "0x10", "1_000",
                     "--1", "1..2", "1e5.5", "[01]", "[1.]", "[-]", "0.", "- 1"] {
            assertInvalid(text)
        }
    }

    func testStrings() {
        assertValid(#""""#)
        assertValid(#""abc""#)
        assertValid(#""\" \\ \/ \b \f \n \r \t""#)
        assertValid(#""\u0000\u00e9\uFFFF\uD83D\uDE80""#)
        assertValid(#""\ud800""#)
        assertValid(#""\udc00\ud800""#)
        assertValid([0x22, 0x7F, 0x22])
        assertInvalid(#""abc"#)
        assertInvalid(#"""#)
        assertInvalid(#""\x41""#)
        assertInvalid(#""\a""#)
        assertInvalid(#""\'""#)
        assertInvalid(#""\u12""#)
        assertInvalid(#""\u12G4""#)
        assertInvalid(#""\u""#)
        assertInvalid(#""\"#)
        assertInvalid(#""\U0041""#)
        assertInvalid("'single'")
    }

    func testControlCharactersInStrings() {
        for byte in UInt8(0)..<0x20 {
            assertInvalid([0x22, byte, 0x22])
        }
    }

    /// Special bytes at every position of a long string, so both the
    /// eight-byte fast path and the byte loop see them.
    func testSpecialBytesAtEveryPosition() {
        for position in 0..<20 {
            var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 20)
            bytes[position] = 0x01
            assertInvalid([0x22] + bytes + [0x22])

            bytes[position] = 0x22
            assertInvalid([0x22] + bytes + [0x22])

            bytes[position] = 0x5C
            assertInvalid([0x22] + bytes + [0x22])

            bytes[position] = 0xFF
            assertInvalid([0x22] + bytes + [0x22])

            var escaped = [UInt8](repeating: UInt8(ascii: "a"), count: 20)
            escaped.insert(contentsOf: Array(#"\n\""#.utf8), at: position)
            assertValid([0x22] + escaped + [0x22])

            var unicode = [UInt8](repeating: UInt8(ascii: "a"), count: 20)
            unicode.insert(contentsOf: [0xF0, 0x9F, 0x9A, 0x80], at: position)
            assertValid([0x22] + unicode + [0x22])
        }
    }

    func testArrays() {
        assertValid("[]")
        assertValid("[ ]")
        assertValid("[1]")
        assertValid("[1,2,3]")
        assertValid("[[],[[]],{}]")
        assertValid(" [ 1 , \"a\" , [ ] ] ")
        assertInvalid("[")
        assertInvalid("]")
        assertInvalid("[1")
        assertInvalid("[1,")
        assertInvalid("[1,]")
        assertInvalid("[,1]")
        assertInvalid("[,]")
        assertInvalid("[1 2]")
        assertInvalid("[1]]")
        assertInvalid("[1}")
        assertInvalid("[1:2]")
    }

    func testObjects() {
        assertValid("{}")
        assertValid("{ }")
        assertValid(#"{"a":1}"#)
        assertValid(#"{"a":1,"b":[true],"c":{"d":null}}"#)
        assertValid(#"{ "a" : 1 , "a" : 2 }"#)
        assertValid(#"{"":""}"#)
        assertInvalid("{")
        assertInvalid("}")
        assertInvalid(#"{"a"}"#)
        assertInvalid(#"{"a":}"#)
        assertInvalid(#"{"a" 1}"#)
        assertInvalid(#"{"a":1,}"#)
        assertInvalid(#"{,"a":1}"#)
        assertInvalid(#"{"a":1 "b":2}"#)
        assertInvalid(#"{a:1}"#)
        assertInvalid(#"{1:1}"#)
        assertInvalid(#"{'a':1}"#)
        assertInvalid(#"{"a":1]"#)
        assertInvalid(#"{"a":1"#)
        assertInvalid(#"{"a""#)
        assertInvalid(#"{"a":1}}"#)
    }

    func testWhitespace() {
        assertValid(" \t\r\n1 \t\r\n")
        assertValid("\n{\n\"a\"\n:\n[\n1\n,\n2\n]\n}\n")
        assertInvalid("")
        assertInvalid("   ")
        assertInvalid("\u{0C}1")
        assertInvalid("1\u{0B}")
        assertInvalid([0xC2, 0xA0, 0x31])
    }

    func testOneValueOnly() {
        assertInvalid("1 2")
        assertInvalid("{}{}")
        assertInvalid("[] x")
        assertInvalid("null,")
        assertInvalid("{} // comment")
        assertInvalid("/* comment */ {}")
        assertInvalid([0x31, 0x00])
    }

    /// The validator takes no byte order mark: the payload decoder removes it.
    func testByteOrderMarkRejected() {
        assertInvalid([0xEF, 0xBB, 0xBF, 0x7B, 0x7D])
    }

    // MARK: - UTF-8

    func testValidUTF8() {
        assertValid("\"é\"")
        assertValid("\"中文\"")
        assertValid("\"🚀\"")
        assertValid([0x22, 0xC2, 0x80, 0x22])
        assertValid([0x22, 0xDF, 0xBF, 0x22])
        assertValid([0x22, 0xE0, 0xA0, 0x80, 0x22])
        assertValid([0x22, 0xED, 0x9F, 0xBF, 0x22])
        assertValid([0x22, 0xEE, 0x80, 0x80, 0x22])
        assertValid([0x22, 0xEF, 0xBF, 0xBF, 0x22])
        assertValid([0x22, 0xF0, 0x90, 0x80, 0x80, 0x22])
        assertValid([0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22])
        assertValid(Array("{\"ключ\":\"значение\"}".utf8))
    }

    func testInvalidUTF8() {
        let cases: [[UInt8]] = [
            [0x80],                    // lone continuation byte
            [0xBF],
            [0xC0, 0xAF],              // overlong '/'
            [0xC1, 0xBF],              // overlong two-byte form
            [0xE0, 0x80, 0xAF],        // overlong three-byte form
            [0xE0, 0x9F, 0xBF],
            [0xF0, 0x80, 0x80, 0xAF],  // overlong four-byte form
            [0xF0, 0x8F, 0xBF, 0xBF],
            [0xED, 0xA0, 0x80],        // U+D800, a surrogate
            [0xED, 0xBF, 0xBF],        // U+DFFF
            [0xED, 0xA0, 0xBD, 0xED, 0xBA, 0x80],  // surrogate pair in CESU-8
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0xF5, 0x80, 0x80, 0x80],
            [0xF8, 0x88, 0x80, 0x80, 0x80],
            [0xFE],
            [0xFF],
            [0xC3],                    // truncated before the closing quote
            [0xE2, 0x82],
            [0xF0, 0x9F, 0x9A],
            [0xC3, 0x41],              // continuation replaced by ASCII
            [0xE2, 0x28, 0xA1],
        ]
        for sequence in cases {
            assertInvalid([0x22] + sequence + [0x22])
            assertInvalid([0x22] + Array("0123456789".utf8) + sequence + [0x22])
            assertInvalid(Array(#"{""#.utf8) + sequence + Array(#"":1}"#.utf8))
        }
    }

    func testUTF8OutsideStringsRejected() {
        assertInvalid(Array("é".utf8))
        assertInvalid(Array("[1,é]".utf8))
    }

    // MARK: - Depth

    func testDepth512Accepted() {
        assertValid(String(repeating: "[", count: 512) + String(repeating: "]", count: 512))
        assertValid(String(repeating: #"{"a":"#, count: 512) + "1" + String(repeating: "}", count: 512))
    }

    func testDepth513Rejected() {
        let arrays = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        assertInvalid(arrays)
        XCTAssertTrue(jsonValidationError(arrays)?.message.contains("512") ?? false)

        assertInvalid(String(repeating: #"{"a":"#, count: 513) + "1" + String(repeating: "}", count: 513))
    }

    /// Two siblings each 511 levels below the root: depth falls back after a
    /// container closes.
    func testDepthRestoredAfterClose() {
        let deep = String(repeating: "[", count: 511) + String(repeating: "]", count: 511)
        assertValid("[" + deep + "," + deep + "]")
    }

    func testDeepNestingRejectedWithoutCrash() {
        assertInvalid(String(repeating: "[", count: 100_000))
        assertInvalid(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
        assertInvalid(String(repeating: #"{"a":"#, count: 100_000))
    }

    /// Alternating arrays and objects past 64 levels check that the kind of
    /// each open container is remembered in every word of the bit stack.
    func testContainerKindsBeyond64Levels() {
        let levels = 300
        var open = ""
        var close = ""
        for level in 0..<levels {
            open += level % 2 == 0 ? "[" : #"{"k":"#
            close = (level % 2 == 0 ? "]" : "}") + close
        }
        assertValid(open + "0" + close)

        // Swap the closing bracket of level 200 (counted from the outside).
        var wrong = Array(close)
        let position = levels - 1 - 200
        wrong[position] = wrong[position] == "]" ? "}" : "]"
        assertInvalid(open + "0" + String(wrong))
    }

    // MARK: - Messages

    func testErrorMessageNamesByteOffset() {
        XCTAssertEqual(jsonValidationError("[1,]")?.message.hasPrefix("invalid JSON payload at byte 3:"), true)
        XCTAssertEqual(jsonValidationError(#"{"a" 1}"#)?.message.hasPrefix("invalid JSON payload at byte 5:"), true)
        XCTAssertEqual(jsonValidationError("[01]")?.message.hasPrefix("invalid JSON payload at byte 2:"), true)
        XCTAssertEqual(jsonValidationError([0x22, 0x61, 0xFF, 0x22])?.message.hasPrefix("invalid JSON payload at byte 2:"), true)
        XCTAssertEqual(jsonValidationError("{} x")?.message.hasPrefix("invalid JSON payload at byte 3:"), true)
    }

    func testErrorMessageNamesByte() {
        let message = jsonValidationError("[1,]")?.message ?? ""
        XCTAssertTrue(message.contains("']'"), message)

        let control = jsonValidationError([0x22, 0x01, 0x22])?.message ?? ""
        XCTAssertTrue(control.contains("0x1"), control)
    }
}
