/// A parsed JSON value, compared the way the decoding test vectors define
/// equality: integers exactly, other numbers as IEEE doubles, an integer and
/// a double by their double values, strings by UTF-16 code units (so lone
/// surrogate escapes survive), and objects by key with the last duplicate
/// key winning.
///
/// Foundation's `JSONSerialization` is not used because it rounds integers
/// beyond 64 bits, which the vectors contain.
indirect enum JSONValue: Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// An integer as canonical decimal text: no leading zeros, no "-0".
    case integer(String)
    case double(Double)
    case string([UInt16])
    case array([JSONValue])
    case object([[UInt16]: JSONValue])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case let (.bool(a), .bool(b)):
            return a == b
        case let (.integer(a), .integer(b)):
            return a == b
        case let (.double(a), .double(b)):
            return a == b
        case let (.integer(a), .double(b)), let (.double(b), .integer(a)):
            return Double(a) == b
        case let (.string(a), .string(b)):
            return a == b
        case let (.array(a), .array(b)):
            return a == b
        case let (.object(a), .object(b)):
            return a == b
        default:
            return false
        }
    }

    var description: String {
        switch self {
        case .null:
            return "null"
        case let .bool(value):
            return value ? "true" : "false"
        case let .integer(text):
            return text
        case let .double(value):
            return "\(value)"
        case let .string(units):
            return "\"\(String(decoding: units, as: UTF16.self))\""
        case let .array(items):
            return "[" + items.map(\.description).joined(separator: ",") + "]"
        case let .object(members):
            let pairs = members.map { "\"\(String(decoding: $0.key, as: UTF16.self))\":\($0.value)" }
            return "{" + pairs.sorted().joined(separator: ",") + "}"
        }
    }

    /// The string's text, or nil for any other value.
    var stringValue: String? {
        if case let .string(units) = self {
            return String(decoding: units, as: UTF16.self)
        }
        return nil
    }

    /// The member `key` of an object, or nil.
    subscript(key: String) -> JSONValue? {
        if case let .object(members) = self {
            return members[Array(key.utf16)]
        }
        return nil
    }

    /// The items of an array, or nil for any other value.
    var arrayValue: [JSONValue]? {
        if case let .array(items) = self {
            return items
        }
        return nil
    }
}

/// An error from ``JSONParser``.
struct JSONParseError: Error, CustomStringConvertible {
    var offset: Int
    var reason: String

    var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A small recursive JSON parser for test expectations and decoder output.
///
/// It rejects what RFC 8259 rejects in structure and numbers, but takes
/// string contents as UTF-8 without checking them strictly.
struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0

    /// Parses one JSON document, skipping a leading UTF-8 byte order mark.
    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            parser.index = 3
        }
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else {
            throw parser.failure("trailing bytes after the value")
        }
        return value
    }

    static func parse(_ text: String) throws -> JSONValue {
        try parse(Array(text.utf8))
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func failure(_ reason: String) -> JSONParseError {
        JSONParseError(offset: index, reason: reason)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
            index += 1
        }
    }

    private mutating func parseValue() throws -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else {
            throw failure("unexpected end, expected a value")
        }

        switch bytes[index] {
        case UInt8(ascii: "{"):
            return try parseObject()
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        default:
            throw failure("unexpected byte \(bytes[index]), expected a value")
        }
    }

    private mutating func expectLiteral(_ literal: String) throws {
        let expected = Array(literal.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw failure("expected \(literal)")
        }
        index += expected.count
    }

    private mutating func parseObject() throws -> JSONValue {
        index += 1
        var members: [[UInt16]: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw failure("expected a member name")
            }
            let name = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw failure("expected ':'")
            }
            index += 1
            members[name] = try parseValue()
            skipWhitespace()
            guard index < bytes.count else {
                throw failure("unexpected end inside an object")
            }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else {
                throw failure("expected ',' or '}'")
            }
            index += 1
            return .object(members)
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else {
                throw failure("unexpected end inside an array")
            }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else {
                throw failure("expected ',' or ']'")
            }
            index += 1
            return .array(items)
        }
    }

    /// Parses a string starting at its opening quote into UTF-16 code units.
    private mutating func parseString() throws -> [UInt16] {
        index += 1
        var units: [UInt16] = []
        var runStart = index
        while true {
            guard index < bytes.count else {
                throw failure("unterminated string")
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                units.append(contentsOf: String(decoding: bytes[runStart..<index], as: UTF8.self).utf16)
            }
            if byte == UInt8(ascii: "\"") {
                index += 1
                return units
            }
            if byte == UInt8(ascii: "\\") {
                units.append(try parseEscape())
                runStart = index
                continue
            }
            guard byte >= 0x20 else {
                throw failure("unescaped control character")
            }
            index += 1
        }
    }

    private mutating func parseEscape() throws -> UInt16 {
        guard index + 1 < bytes.count else {
            throw failure("unterminated escape")
        }
        let letter = bytes[index + 1]
        index += 2
        switch letter {
        case UInt8(ascii: "\""): return 0x22
        case UInt8(ascii: "\\"): return 0x5C
        case UInt8(ascii: "/"): return 0x2F
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"):
            guard index + 4 <= bytes.count,
                  let unit = UInt16(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
                throw failure("invalid \\u escape")
            }
            index += 4
            return unit
        default:
            throw failure("invalid escape")
        }
    }

    private mutating func parseNumber() throws -> JSONValue {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
        }
        guard skipDigits() > 0 else {
            throw failure("expected a digit")
        }
        let firstDigit = bytes[start] == UInt8(ascii: "-") ? start + 1 : start
        if bytes[firstDigit] == UInt8(ascii: "0") && index - firstDigit > 1 {
            throw failure("leading zero")
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard skipDigits() > 0 else {
                throw failure("expected a digit after '.'")
            }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard skipDigits() > 0 else {
                throw failure("expected a digit in the exponent")
            }
        }

        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger {
            return .integer(canonicalInteger(text))
        }
        guard let value = Double(text) else {
            throw failure("number \(text) is not a double")
        }
        return .double(value)
    }

    private mutating func skipDigits() -> Int {
        let start = index
        while index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") {
            index += 1
        }
        return index - start
    }

    private func canonicalInteger(_ text: String) -> String {
        text == "-0" ? "0" : text
    }
}
