/// A parsed JSON value, for small documents such as connection profiles and
/// the sample payloads the development broker publishes.
///
/// Numbers keep their text, so integers of any size survive a round trip.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order; a repeated name is kept twice.
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Parses JSON text (RFC 8259, checked by ``JSONValidator`` first).
    /// - Throws: ``DecodingError`` of kind `.payloadDecode` for invalid text.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            start = 3
        }
        return try bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            try JSONValidator.validate(base + start, count: buffer.count - start)
            var parser = JSONValueParser(bytes: base, count: buffer.count, index: start)
            return parser.parseValue()
        }
    }

    /// The value of the first member named `name`, when this is an object.
    public subscript(name: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.0 == name }?.1
    }

    /// The JSON type name, for error messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Builds a ``JSONValue`` from text that ``JSONValidator`` accepted, so it
/// reports no errors. Recursion is bounded by the validator's depth limit.
private struct JSONValueParser {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    var index: Int

    mutating func skipWhitespace() {
        while index < count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
            index += 1
        }
    }

    mutating func parseValue() -> JSONValue {
        skipWhitespace()
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [(String, JSONValue)] = []
            skipWhitespace()
            while bytes[index] != UInt8(ascii: "}") {
                let name = parseString()
                skipWhitespace()
                index += 1  // ':'
                members.append((name, parseValue()))
                skipWhitespace()
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    skipWhitespace()
                }
            }
            index += 1
            return .object(members)
        case UInt8(ascii: "["):
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            while bytes[index] != UInt8(ascii: "]") {
                elements.append(parseValue())
                skipWhitespace()
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                }
                skipWhitespace()
            }
            index += 1
            return .array(elements)
        case UInt8(ascii: "\""):
            return .string(parseString())
        case UInt8(ascii: "t"):
            index += 4
            return .bool(true)
        case UInt8(ascii: "f"):
            index += 5
            return .bool(false)
        case UInt8(ascii: "n"):
            index += 4
            return .null
        default:
            let start = index
            while index < count, "+-.eE0123456789".utf8.contains(bytes[index]) {
                index += 1
            }
            return .number(String(decoding: UnsafeBufferPointer(start: bytes + start, count: index - start), as: UTF8.self))
        }
    }

    /// Parses a string at its opening quote, decoding escapes. A lone
    /// surrogate escape becomes U+FFFD.
    mutating func parseString() -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []

        func flush() {
            if !utf8.isEmpty {
                scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
                utf8.removeAll()
            }
        }

        while bytes[index] != UInt8(ascii: "\"") {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                index += 1
                continue
            }
            flush()
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = readHex4()
                if (0xD800..<0xDC00).contains(code), bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    let saved = index
                    index += 2
                    let low = readHex4()
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        index = saved
                    }
                }
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default:
                scalars.append(Unicode.Scalar(escape))  // '"', '\\' or '/'
            }
        }
        flush()
        index += 1
        return String(scalars)
    }

    mutating func readHex4() -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index] | 0x20
            let digit = byte >= UInt8(ascii: "a") ? byte - UInt8(ascii: "a") + 10 : byte - UInt8(ascii: "0")
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
