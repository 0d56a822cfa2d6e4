@testable import MisterWebhooksDecoding
import XCTest

/// Transcodes `bytes` with ``CBORTranscoder/transcode(_:count:into:)`` and
/// returns the JSON text or the error.
func transcodeCBOR(_ bytes: [UInt8]) -> Result<String, DecodingError> {
    var output = ByteBuffer()
    defer { output.deallocate() }
    do {
        try withOptionalBuffer(bytes) { buffer in
            try CBORTranscoder.transcode(buffer!.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count, into: &output)
        }
        return .success(String(decoding: UnsafeBufferPointer(start: output.base, count: output.count), as: UTF8.self))
    } catch let error as DecodingError {
        return .failure(error)
    } catch {
        XCTFail("CBORTranscoder threw \(type(of: error)), not DecodingError: \(error)")
        return .failure(DecodingError(.malformedMessage, "unexpected error type \(type(of: error)): \(error)"))
    }
}

final class CBORTranscoderTests: XCTestCase {
    /// Asserts that `bytes` transcode to exactly `expected`, and that the
    /// output is valid JSON.
    func assertJSON(_ bytes: [UInt8], _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        switch transcodeCBOR(bytes) {
        case let .success(text):
            XCTAssertEqual(text, expected, "CBOR \(hex(bytes))", file: file, line: line)
            XCTAssertNil(jsonValidationError(text)?.message, "output \(text) is not valid JSON", file: file, line: line)
        case let .failure(error):
            XCTFail("CBOR \(hex(bytes)) failed: \(error.message)", file: file, line: line)
        }
    }

    /// Asserts that `bytes` transcode to one JSON number equal to `expected`.
    func assertNumber(_ bytes: [UInt8], _ expected: Double, file: StaticString = #filePath, line: UInt = #line) {
        switch transcodeCBOR(bytes) {
        case let .success(text):
            XCTAssertEqual(Double(text), expected, "CBOR \(hex(bytes)) gave \(text)", file: file, line: line)
            XCTAssertNil(jsonValidationError(text)?.message, "output \(text) is not valid JSON", file: file, line: line)
        case let .failure(error):
            XCTFail("CBOR \(hex(bytes)) failed: \(error.message)", file: file, line: line)
        }
    }

    /// Asserts that `bytes` are rejected as a payload error and returns the
    /// message.
    @discardableResult
    func assertInvalid(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> String {
        switch transcodeCBOR(bytes) {
        case let .success(text):
            XCTFail("CBOR \(hex(bytes)) was accepted as \(text)", file: file, line: line)
            return ""
        case let .failure(error):
            XCTAssertEqual(error.kind, .payloadDecode, file: file, line: line)
            XCTAssertTrue(error.message.hasPrefix("invalid CBOR payload at byte "), error.message, file: file, line: line)
            XCTAssertFalse(error.message.contains("\n"), error.message, file: file, line: line)
            return error.message
        }
    }

    func hex(_ bytes: [UInt8]) -> String {
        bytes.prefix(32).map { String(format: "%02x", $0) }.joined() + (bytes.count > 32 ? "..." : "")
    }

    // MARK: - Integers

    func testUnsignedIntegers() {
        assertJSON([0x00], "0")
        assertJSON([0x17], "23")
        assertJSON([0x18, 0x18], "24")
        assertJSON([0x18, 0xFF], "255")
        assertJSON([0x19, 0x01, 0x00], "256")
        assertJSON([0x1A, 0x00, 0x01, 0x00, 0x00], "65536")
        assertJSON([0x1B, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00], "4294967296")
    }

    func testUInt64Max() {
        assertJSON([0x1B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "18446744073709551615")
    }

    func testNegativeIntegers() {
        assertJSON([0x20], "-1")
        assertJSON([0x37], "-24")
        assertJSON([0x38, 0x63], "-100")
        assertJSON([0x39, 0x03, 0xE7], "-1000")
        assertJSON([0x3B, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "-9223372036854775808")
    }

    func testNegativeIntegerMin() {
        assertJSON([0x3B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "-18446744073709551616")
    }

    // MARK: - Strings

    func testByteStringsAsBase64URL() {
        assertJSON([0x40], #""""#)
        assertJSON([0x41, 0x00], #""AA""#)
        assertJSON([0x42, 0x00, 0x00], #""AAA""#)
        assertJSON([0x43, 0xFB, 0xFF, 0x00], #""-_8A""#)
        assertJSON([0x44, 0x01, 0x02, 0x03, 0x04], #""AQIDBA""#)
        assertJSON([0x46] + Array("foobar".utf8), #""Zm9vYmFy""#)
    }

    func testTextStrings() {
        assertJSON([0x60], #""""#)
        assertJSON([0x61, 0x61], #""a""#)
        assertJSON([0x64, 0x49, 0x45, 0x54, 0x46], #""IETF""#)
        assertJSON([0x62, 0xC3, 0xBC], "\"ü\"")
        assertJSON([0x64, 0xF0, 0x9F, 0x9A, 0x80], "\"🚀\"")
        assertJSON([0x63, 0xE2, 0x80, 0xA8], "\"\u{2028}\"")
    }

    func testTextStringEscapes() {
        assertJSON([0x62, 0x22, 0x5C], #""\"\\""#)
        assertJSON([0x65, 0x0A, 0x0D, 0x09, 0x08, 0x0C], #""\n\r\t\b\f""#)
        assertJSON([0x63, 0x00, 0x01, 0x1F], #""\u0000\u0001\u001f""#)
        assertJSON([0x61, 0x2F], #""/""#)
        assertJSON([0x61, 0x7F], "\"\u{7F}\"")
    }

    func testInvalidUTF8InTextString() {
        assertInvalid([0x61, 0xFF])
        assertInvalid([0x62, 0xC0, 0xAF])
        assertInvalid([0x63, 0xED, 0xA0, 0x80])
        assertInvalid([0x64, 0xF4, 0x90, 0x80, 0x80])
        assertInvalid([0x81, 0x61, 0x80])
        assertInvalid([0xA1, 0x61, 0xFE, 0x01])
    }

    // MARK: - Arrays and maps

    func testArrays() {
        assertJSON([0x80], "[]")
        assertJSON([0x83, 0x01, 0x02, 0x03], "[1,2,3]")
        assertJSON([0x82, 0x80, 0x81, 0x80], "[[],[[]]]")
        assertJSON([0x83, 0x01, 0x82, 0x02, 0x03, 0x82, 0x04, 0x05], "[1,[2,3],[4,5]]")
        assertJSON([0x98, 0x19] + [UInt8](repeating: 0x01, count: 25), "[" + Array(repeating: "1", count: 25).joined(separator: ",") + "]")
    }

    func testMaps() {
        assertJSON([0xA0], "{}")
        assertJSON([0xA1, 0x61, 0x61, 0x01], #"{"a":1}"#)
        assertJSON([0xA2, 0x61, 0x61, 0x01, 0x61, 0x62, 0x82, 0x02, 0x03], #"{"a":1,"b":[2,3]}"#)
        assertJSON([0xA1, 0x61, 0x61, 0xA1, 0x61, 0x62, 0xA0], #"{"a":{"b":{}}}"#)
        assertJSON([0x82, 0xA1, 0x61, 0x61, 0x01, 0xA0], #"[{"a":1},{}]"#)
    }

    // MARK: - Indefinite lengths

    func testIndefiniteByteString() {
        assertJSON([0x5F, 0x42, 0x01, 0x02, 0x41, 0x03, 0xFF], #""AQID""#)
        assertJSON([0x5F, 0xFF], #""""#)
        assertJSON([0x5F, 0x40, 0x40, 0xFF], #""""#)
    }

    func testIndefiniteTextString() {
        assertJSON([0x7F, 0x62, 0x61, 0x62, 0x61, 0x63, 0xFF], #""abc""#)
        assertJSON([0x7F, 0xFF], #""""#)
        assertJSON([0x7F, 0x61, 0x22, 0x61, 0x0A, 0xFF], #""\"\n""#)
    }

    /// RFC 8949 requires each chunk of a text string to be valid UTF-8 on its own.
    func testTextChunkSplittingCharacterRejected() {
        assertInvalid([0x7F, 0x62, 0xE2, 0x82, 0x61, 0xAC, 0xFF])
    }

    func testIndefiniteStringChunkErrors() {
        assertInvalid([0x7F, 0x41, 0x61, 0xFF])        // byte chunk in a text string
        assertInvalid([0x5F, 0x61, 0x61, 0xFF])        // text chunk in a byte string
        assertInvalid([0x7F, 0x7F, 0xFF, 0xFF])        // nested indefinite chunk
        assertInvalid([0x5F, 0x01, 0xFF])              // integer chunk
        assertInvalid([0x7F, 0x61, 0x61])              // no break
        assertInvalid([0x5F, 0x42, 0x01])              // chunk truncated
    }

    func testIndefiniteArray() {
        assertJSON([0x9F, 0xFF], "[]")
        assertJSON([0x9F, 0x01, 0x02, 0xFF], "[1,2]")
        assertJSON([0x9F, 0x01, 0x82, 0x02, 0x03, 0x9F, 0x04, 0xFF, 0xFF], "[1,[2,3],[4]]")
        assertJSON([0x82, 0x9F, 0xFF, 0x01], "[[],1]")
    }

    func testIndefiniteMap() {
        assertJSON([0xBF, 0xFF], "{}")
        assertJSON([0xBF, 0x61, 0x61, 0x01, 0x61, 0x62, 0x9F, 0xFF, 0xFF], #"{"a":1,"b":[]}"#)
        assertJSON([0xBF, 0x61, 0x61, 0xBF, 0xFF, 0xFF], #"{"a":{}}"#)
    }

    func testBreakBetweenKeyAndValueRejected() {
        assertInvalid([0xBF, 0x61, 0x61, 0xFF])
    }

    func testIndefiniteContainerWithoutBreakRejected() {
        assertInvalid([0x9F, 0x01, 0x02])
        assertInvalid([0xBF, 0x61, 0x61, 0x01])
        assertInvalid([0x9F])
    }

    // MARK: - Tags

    func testTagsDropped() {
        assertJSON([0xC0, 0x74] + Array("2024-12-04T10:00:00Z".utf8), #""2024-12-04T10:00:00Z""#)
        assertJSON([0xC1, 0x1A, 0x67, 0x50, 0x27, 0xA0], "1733306272")
        assertJSON([0xD9, 0xD9, 0xF7, 0xA1, 0x61, 0x61, 0x01], #"{"a":1}"#)
        assertJSON([0xD8, 0x20, 0x63] + Array("a:b".utf8), #""a:b""#)
        assertJSON([0xC6, 0xC7, 0x01], "1")
        assertJSON([0xDB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "1")
    }

    func testBignumPositive() {
        assertJSON([0xC2, 0x49, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], "18446744073709551616")
        assertJSON([0xC2, 0x51, 0x01] + [UInt8](repeating: 0, count: 16), "340282366920938463463374607431768211456")
        assertJSON([0xC2, 0x41, 0x2A], "42")
    }

    func testBignumNegative() {
        assertJSON([0xC3, 0x49, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], "-18446744073709551617")
        assertJSON([0xC3, 0x41, 0x00], "-1")
        assertJSON([0xC3, 0x41, 0x2A], "-43")
    }

    /// Values at and around the 10^9 limbs used to print bignums.
    func testBignumLimbBoundaries() {
        assertJSON([0xC2, 0x44, 0x3B, 0x9A, 0xCA, 0x00], "1000000000")
        assertJSON([0xC2, 0x44, 0x3B, 0x9A, 0xC9, 0xFF], "999999999")
        assertJSON([0xC3, 0x44, 0x3B, 0x9A, 0xC9, 0xFF], "-1000000000")
        assertJSON([0xC2, 0x48, 0x0D, 0xE0, 0xB6, 0xB3, 0xA7, 0x64, 0x00, 0x00], "1000000000000000000")
        assertJSON([0xC2, 0x48, 0x0D, 0xE0, 0xB6, 0xB3, 0xA7, 0x64, 0x00, 0x01], "1000000000000000001")
        assertJSON([0xC3, 0x48, 0x0D, 0xE0, 0xB6, 0xB3, 0xA7, 0x63, 0xFF, 0xFF], "-1000000000000000000")
    }

    func testBignumLeadingZeroBytes() {
        assertJSON([0xC2, 0x43, 0x00, 0x00, 0x01], "1")
        assertJSON([0xC2, 0x42, 0x00, 0x00], "0")
        assertJSON([0xC3, 0x43, 0x00, 0x00, 0x00], "-1")
        assertJSON([0xC2, 0x4A, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], "18446744073709551616")
    }

    func testBignumZeroLength() {
        assertJSON([0xC2, 0x40], "0")
        assertJSON([0xC3, 0x40], "-1")
    }

    func testBignumIndefiniteBytes() {
        assertJSON([0xC2, 0x5F, 0x41, 0x01, 0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF], "18446744073709551616")
    }

    func testBignumInsideOtherTag() {
        assertJSON([0xC6, 0xC2, 0x41, 0x05], "5")
    }

    func testBignumMaxLength() throws {
        let maxBytes = [UInt8](repeating: 0xFF, count: CBORTranscoder.maxBignumLength)
        let text = try transcodeCBOR([0xC2, 0x59, 0x20, 0x00] + maxBytes).get()
        // 2^65536 - 1 has 19,729 decimal digits and ends in 5.
        XCTAssertEqual(text.count, 19_729)
        XCTAssertTrue(text.allSatisfy(\.isNumber))
        XCTAssertTrue(text.hasSuffix("5"))

        assertInvalid([0xC2, 0x59, 0x20, 0x01] + maxBytes + [0xFF])
    }

    func testBignumOfNonBytesRejected() {
        assertInvalid([0xC2, 0x01])
        assertInvalid([0xC3, 0x61, 0x61])
        assertInvalid([0xC2, 0x80])
    }

    // MARK: - Floats and simple values

    func testHalfFloats() {
        assertNumber([0xF9, 0x3C, 0x00], 1.0)
        assertNumber([0xF9, 0x3E, 0x00], 1.5)
        assertNumber([0xF9, 0xC4, 0x00], -4.0)
        assertNumber([0xF9, 0x7B, 0xFF], 65504.0)
        assertNumber([0xF9, 0x35, 0x55], 0.333251953125)
        assertNumber([0xF9, 0x00, 0x00], 0.0)
    }

    func testHalfFloatSubnormals() {
        assertNumber([0xF9, 0x00, 0x01], 5.960464477539063e-08)
        assertNumber([0xF9, 0x03, 0xFF], 6.097555160522461e-05)
        assertNumber([0xF9, 0x80, 0x01], -5.960464477539063e-08)
        assertNumber([0xF9, 0x04, 0x00], 6.103515625e-05)
    }

    func testNegativeZero() throws {
        for bytes: [UInt8] in [[0xF9, 0x80, 0x00], [0xFA, 0x80, 0x00, 0x00, 0x00], [0xFB, 0x80, 0, 0, 0, 0, 0, 0, 0]] {
            let text = try transcodeCBOR(bytes).get()
            let value = try XCTUnwrap(Double(text), text)
            XCTAssertEqual(value, 0)
            XCTAssertEqual(value.sign, .minus, text)
        }
    }

    func testSingleAndDoubleFloats() {
        assertNumber([0xFA, 0x3F, 0xC0, 0x00, 0x00], 1.5)
        assertNumber([0xFA, 0x47, 0xC3, 0x50, 0x00], 100000.0)
        assertNumber([0xFA, 0x7F, 0x7F, 0xFF, 0xFF], 3.4028234663852886e38)
        assertNumber([0xFA, 0x00, 0x00, 0x00, 0x01], 1.401298464324817e-45)
        assertNumber([0xFB, 0x3F, 0xF1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A], 1.1)
        assertNumber([0xFB, 0x7E, 0x37, 0xE4, 0x3C, 0x88, 0x00, 0x75, 0x9C], 1.0e300)
        assertNumber([0xFB, 0xC0, 0x10, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66], -4.1)
        assertNumber([0xFB, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01], Double.leastNonzeroMagnitude)
        assertNumber([0xFB, 0x7F, 0xEF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], Double.greatestFiniteMagnitude)
    }

    func testNonFiniteFloatsAsNull() {
        assertJSON([0xF9, 0x7C, 0x00], "null")
        assertJSON([0xF9, 0xFC, 0x00], "null")
        assertJSON([0xF9, 0x7E, 0x00], "null")
        assertJSON([0xFA, 0x7F, 0x80, 0x00, 0x00], "null")
        assertJSON([0xFA, 0xFF, 0x80, 0x00, 0x00], "null")
        assertJSON([0xFA, 0x7F, 0xC0, 0x00, 0x00], "null")
        assertJSON([0xFB, 0x7F, 0xF0, 0, 0, 0, 0, 0, 0], "null")
        assertJSON([0xFB, 0xFF, 0xF0, 0, 0, 0, 0, 0, 0], "null")
        assertJSON([0xFB, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0], "null")
    }

    func testSimpleValues() {
        assertJSON([0xF4], "false")
        assertJSON([0xF5], "true")
        assertJSON([0xF6], "null")
        assertJSON([0xF7], "null")
        assertJSON([0xE0], "null")
        assertJSON([0xF0], "null")
        assertJSON([0xF8, 0x20], "null")
        assertJSON([0xF8, 0xFF], "null")
        assertJSON([0x84, 0xF4, 0xF5, 0xF6, 0xF7], "[false,true,null,null]")
    }

    func testTwoByteSimpleValueBelow32Rejected() {
        assertInvalid([0xF8, 0x00])
        assertInvalid([0xF8, 0x14])
        assertInvalid([0xF8, 0x1F])
    }

    // MARK: - Map keys

    func testKeyConversions() {
        assertJSON([0xA1, 0x01, 0x61, 0x61], #"{"1":"a"}"#)
        assertJSON([0xA1, 0x20, 0x61, 0x62], #"{"-1":"b"}"#)
        assertJSON([0xA1, 0x1B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00], #"{"18446744073709551615":0}"#)
        assertJSON([0xA1, 0x3B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00], #"{"-18446744073709551616":0}"#)
        assertJSON([0xA2, 0xF5, 0x01, 0xF4, 0x02], #"{"true":1,"false":2}"#)
        assertJSON([0xA1, 0xF6, 0x01], #"{"null":1}"#)
        assertJSON([0xA1, 0xF7, 0x01], #"{"null":1}"#)
        assertJSON([0xA1, 0xF9, 0x3E, 0x00, 0x01], #"{"1.5":1}"#)
        assertJSON([0xA1, 0xFB, 0x7F, 0xF0, 0, 0, 0, 0, 0, 0, 0x01], #"{"null":1}"#)
        assertJSON([0xA1, 0xC2, 0x49, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x01], #"{"18446744073709551616":1}"#)
        assertJSON([0xA1, 0xC1, 0x01, 0x02], #"{"1":2}"#)
        assertJSON([0xA1, 0x42, 0xFB, 0xFF, 0x01], #"{"-_8":1}"#)
        assertJSON([0xA1, 0x61, 0x22, 0x01], #"{"\"":1}"#)
    }

    func testArrayKeyRejected() {
        assertInvalid([0xA1, 0x80, 0x01])
        assertInvalid([0xA1, 0x9F, 0xFF, 0x01])
        assertInvalid([0xA1, 0xC6, 0x81, 0x01, 0x01])
    }

    func testMapKeyRejected() {
        assertInvalid([0xA1, 0xA0, 0x01])
        assertInvalid([0xBF, 0xBF, 0xFF, 0x01, 0xFF])
    }

    // MARK: - Errors

    func testEmptyPayloadRejected() {
        assertInvalid([])
    }

    func testTruncationAtEveryByte() {
        let document: [UInt8] = [
            0xA3,
            0x61, 0x61, 0x83, 0x01, 0x19, 0x01, 0x00, 0xFB, 0x3F, 0xF1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A,
            0x61, 0x62, 0x5F, 0x42, 0x01, 0x02, 0xFF,
            0x61, 0x63, 0xC2, 0x49, 0x01, 0, 0, 0, 0, 0, 0, 0, 0,
        ]
        assertJSON(document, #"{"a":[1,256,1.1],"b":"AQI","c":18446744073709551616}"#)
        for length in 0..<document.count {
            assertInvalid(Array(document.prefix(length)))
        }
    }

    func testTruncatedArgument() {
        assertInvalid([0x18])
        assertInvalid([0x19, 0x01])
        assertInvalid([0x1A, 0x01, 0x02, 0x03])
        assertInvalid([0x1B, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07])
        assertInvalid([0xF9, 0x3C])
        assertInvalid([0xFB, 0x3F, 0xF0])
    }

    func testReservedAdditionalInformation() {
        for major in UInt8(0)..<8 {
            for info in UInt8(28)...30 {
                assertInvalid([major << 5 | info])
                assertInvalid([0x81, major << 5 | info])
            }
        }
    }

    func testIndefiniteLengthNotAllowedForMajorType() {
        assertInvalid([0x1F])
        assertInvalid([0x3F])
        assertInvalid([0xDF, 0x01])
    }

    func testBreakMisuse() {
        assertInvalid([0xFF])
        assertInvalid([0x82, 0x01, 0xFF])
        assertInvalid([0xA1, 0xFF])
        assertInvalid([0xA1, 0x61, 0x61, 0xFF])
        assertInvalid([0x9F, 0x01, 0xFF, 0xFF])
        assertInvalid([0xC6, 0xFF])
        assertInvalid([0x01, 0xFF])
    }

    func testBreakErrorMessage() {
        let message = assertInvalid([0xFF])
        XCTAssertTrue(message.contains("break"), message)
        XCTAssertTrue(message.hasPrefix("invalid CBOR payload at byte 0:"), message)
    }

    func testTrailingBytesRejected() {
        assertInvalid([0x01, 0x01])
        assertInvalid([0x80, 0x80])
        assertInvalid([0xA0, 0x00])
        assertInvalid([0x9F, 0xFF, 0x00])
    }

    func testHugeLengthsRejectedWithoutAllocating() {
        let huge: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        assertInvalid([0x5B] + huge)
        assertInvalid([0x7B] + huge)
        assertInvalid([0x9B] + huge)
        assertInvalid([0xBB] + huge)
        assertInvalid([0xBB, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        assertInvalid([0xBB, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])
        assertInvalid([0x5F, 0x5B] + huge + [0xFF])
        assertInvalid([0xC2, 0x5B] + huge)
    }

    func testLengthOneBeyondInput() {
        assertInvalid([0x43, 0x01, 0x02])
        assertInvalid([0x63, 0x61, 0x62])
        assertInvalid([0x83, 0x01, 0x02])
        assertInvalid([0xA2, 0x61, 0x61, 0x01])
    }

    func testHugeLengthMessageNamesLength() {
        let message = assertInvalid([0x5B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertTrue(message.contains("18446744073709551615"), message)
    }

    // MARK: - Depth

    func testDepth512Accepted() {
        assertJSON([UInt8](repeating: 0x81, count: 511) + [0x80],
                   String(repeating: "[", count: 512) + String(repeating: "]", count: 512))
        assertJSON([UInt8](repeating: 0x9F, count: 512) + [UInt8](repeating: 0xFF, count: 512),
                   String(repeating: "[", count: 512) + String(repeating: "]", count: 512))
        assertJSON(Array([[UInt8]](repeating: [0xA1, 0x61, 0x61], count: 511).joined()) + [0xA0],
                   String(repeating: #"{"a":"#, count: 511) + "{}" + String(repeating: "}", count: 511))
    }

    func testDepth513Rejected() {
        let message = assertInvalid([UInt8](repeating: 0x81, count: 512) + [0x80])
        XCTAssertTrue(message.contains("512"), message)
        assertInvalid([UInt8](repeating: 0x9F, count: 513) + [UInt8](repeating: 0xFF, count: 513))
    }

    /// Tags count toward the nesting depth, as arrays and maps do.
    func testTagsCountTowardDepth() {
        assertJSON([UInt8](repeating: 0xC6, count: 512) + [0x01], "1")
        assertInvalid([UInt8](repeating: 0xC6, count: 513) + [0x01])
        assertJSON(Array([[UInt8]](repeating: [0xC6, 0x81], count: 255).joined()) + [0xC6, 0x80],
                   String(repeating: "[", count: 256) + String(repeating: "]", count: 256))
        assertInvalid(Array([[UInt8]](repeating: [0xC6, 0x81], count: 256).joined()) + [0xC6, 0x80])
    }

    func testDepthRestoredAfterClose() {
        let deep = [UInt8](repeating: 0x81, count: 510) + [0x80]
        assertJSON([0x82] + deep + deep,
                   "[" + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + ","
                       + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "]")
    }

    func testDeepNestingRejectedWithoutCrash() {
        assertInvalid([UInt8](repeating: 0x81, count: 100_000) + [0x80])
        assertInvalid([UInt8](repeating: 0x9F, count: 100_000))
        assertInvalid([UInt8](repeating: 0xC6, count: 100_000) + [0x01])
        assertInvalid(Array([[UInt8]](repeating: [0xA1, 0x61, 0x61], count: 100_000).joined()) + [0xA0])
    }
}
