/// A strict RFC 8259 JSON validator.
///
/// Payloads are handed on as text, so validation only has to prove that the
/// text is one JSON value. It runs without recursion and without allocating,
/// and rejects nesting deeper than ``maxDepth`` arrays and objects.
/// Lone surrogate escapes (`"\ud800"`) and numbers of any size are accepted,
/// as RFC 8259 allows.
public enum JSONValidator {
    /// The deepest nesting of arrays and objects accepted.
    public static let maxDepth = 512

    /// Throws a ``DecodingError`` of kind `.payloadDecode` unless `count`
    /// bytes at `bytes` are exactly one JSON value, with optional whitespace
    /// around it.
    public static func validate(_ bytes: UnsafePointer<UInt8>, count: Int) throws {
        try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (maxDepth + 63) / 64) { kinds in
            var scanner = JSONScanner(bytes: bytes, count: count, containerKinds: kinds.baseAddress!)
            try scanner.validateDocument()
        }
    }
}

private let space = UInt8(ascii: " ")
private let tab = UInt8(ascii: "\t")
private let newline = UInt8(ascii: "\n")
private let carriageReturn = UInt8(ascii: "\r")
private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")
private let comma = UInt8(ascii: ",")
private let colon = UInt8(ascii: ":")
private let minus = UInt8(ascii: "-")
private let zero = UInt8(ascii: "0")
private let nine = UInt8(ascii: "9")

private struct JSONScanner {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    /// One bit per open container, set for an object: bit `d - 1` is the
    /// container at depth `d`.
    let containerKinds: UnsafeMutablePointer<UInt64>
    var index = 0
    var depth = 0

    init(bytes: UnsafePointer<UInt8>, count: Int, containerKinds: UnsafeMutablePointer<UInt64>) {
        self.bytes = bytes
        self.count = count
        self.containerKinds = containerKinds
    }

    mutating func validateDocument() throws {
        value: while true {
            skipWhitespace()
            guard index < count else {
                throw failure(count == 0 || depth == 0 ? "the payload is empty" : "unexpected end of the payload, expected a value")
            }

            switch bytes[index] {
            case UInt8(ascii: "{"):
                try open(isObject: true)
                skipWhitespace()
                if index < count && bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    depth -= 1
                } else {
                    try scanMemberName()
                    continue value
                }
            case UInt8(ascii: "["):
                try open(isObject: false)
                skipWhitespace()
                if index < count && bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    depth -= 1
                } else {
                    continue value
                }
            case quote:
                try scanString()
            case UInt8(ascii: "t"):
                try scanLiteral("true")
            case UInt8(ascii: "f"):
                try scanLiteral("false")
            case UInt8(ascii: "n"):
                try scanLiteral("null")
            case minus, zero...nine:
                try scanNumber()
            default:
                throw failure("unexpected \(describeByte(at: index)), expected a value")
            }

            // A value is complete: close containers until one continues.
            while true {
                skipWhitespace()
                if depth == 0 {
                    guard index == count else {
                        throw failure("unexpected \(describeByte(at: index)) after the JSON value")
                    }
                    return
                }
                guard index < count else {
                    throw failure("unexpected end of the payload inside \(isObject(depth) ? "an object" : "an array")")
                }

                let byte = bytes[index]
                if isObject(depth) {
                    if byte == comma {
                        index += 1
                        skipWhitespace()
                        try scanMemberName()
                        continue value
                    }
                    guard byte == UInt8(ascii: "}") else {
                        throw failure("unexpected \(describeByte(at: index)), expected ',' or '}' in an object")
                    }
                } else {
                    if byte == comma {
                        index += 1
                        continue value
                    }
                    guard byte == UInt8(ascii: "]") else {
                        throw failure("unexpected \(describeByte(at: index)), expected ',' or ']' in an array")
                    }
                }
                index += 1
                depth -= 1
            }
        }
    }

    // MARK: - Containers

    @inline(__always)
    mutating func open(isObject: Bool) throws {
        guard depth < JSONValidator.maxDepth else {
            throw failure("arrays and objects nest deeper than \(JSONValidator.maxDepth) levels")
        }
        let word = depth >> 6
        let bit = UInt64(1) << UInt64(depth & 63)
        if isObject {
            containerKinds[word] |= bit
        } else {
            containerKinds[word] &= ~bit
        }
        depth += 1
        index += 1
    }

    @inline(__always)
    func isObject(_ depth: Int) -> Bool {
        let position = depth - 1
        return containerKinds[position >> 6] & (UInt64(1) << UInt64(position & 63)) != 0
    }

    /// Scans `"name"` and the colon after it; whitespace before is skipped.
    mutating func scanMemberName() throws {
        guard index < count && bytes[index] == quote else {
            throw failure(index < count
                ? "unexpected \(describeByte(at: index)), expected a member name in double quotes"
                : "unexpected end of the payload, expected a member name")
        }
        try scanString()
        skipWhitespace()
        guard index < count && bytes[index] == colon else {
            throw failure(index < count
                ? "unexpected \(describeByte(at: index)), expected ':' after a member name"
                : "unexpected end of the payload, expected ':'")
        }
        index += 1
    }

    // MARK: - Scalars

    @inline(__always)
    mutating func skipWhitespace() {
        while index < count {
            let byte = bytes[index]
            guard byte == space || byte == newline || byte == carriageReturn || byte == tab else { return }
            index += 1
        }
    }

    /// Scans a string starting at its opening quote.
    mutating func scanString() throws {
        let start = index
        index += 1
        while true {
            // Skip eight bytes at a time while none is a quote, a backslash,
            // a control character or part of a multi-byte sequence.
            while index + 8 <= count {
                let word = UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)
                if hasSpecialByte(word) {
                    break
                }
                index += 8
            }
            guard index < count else {
                throw failure("unterminated string starting at byte \(start)")
            }

            let byte = bytes[index]
            if byte == quote {
                index += 1
                return
            } else if byte == backslash {
                try scanEscape()
            } else if byte < 0x20 {
                throw failure("unescaped control character \(describeByte(at: index)) in a string")
            } else if byte < 0x80 {
                index += 1
            } else {
                let length = UTF8Validation.sequenceLength(bytes + index, available: count - index)
                guard length > 0 else {
                    throw failure("invalid UTF-8 \(describeByte(at: index)) in a string")
                }
                index += length
            }
        }
    }

    mutating func scanEscape() throws {
        guard index + 1 < count else {
            throw failure("unterminated escape sequence")
        }
        switch bytes[index + 1] {
        case quote, backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
        case UInt8(ascii: "u"):
            guard index + 6 <= count, (2..<6).allSatisfy({ isHexDigit(bytes[index + $0]) }) else {
                throw failure("\\u must be followed by four hexadecimal digits")
            }
            index += 6
        default:
            throw failure("invalid escape sequence \\\(describeByte(at: index + 1))")
        }
    }

    mutating func scanLiteral(_ literal: StaticString) throws {
        let length = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        guard index + length <= count, (0..<length).allSatisfy({ bytes[index + $0] == expected[$0] }) else {
            throw failure("unexpected \(describeByte(at: index)), expected a value")
        }
        index += length
    }

    mutating func scanNumber() throws {
        let start = index
        if bytes[index] == minus {
            index += 1
        }
        guard index < count, isDigit(bytes[index]) else {
            throw failure("invalid number at byte \(start): expected a digit")
        }
        if bytes[index] == zero {
            index += 1
        } else {
            skipDigits()
        }

        if index < count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < count, isDigit(bytes[index]) else {
                throw failure("invalid number at byte \(start): expected a digit after '.'")
            }
            skipDigits()
        }

        if index < count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            if index < count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == minus) {
                index += 1
            }
            guard index < count, isDigit(bytes[index]) else {
                throw failure("invalid number at byte \(start): expected a digit in the exponent")
            }
            skipDigits()
        }
    }

    @inline(__always)
    mutating func skipDigits() {
        while index < count && isDigit(bytes[index]) {
            index += 1
        }
    }

    // MARK: - Errors

    func failure(_ reason: String) -> DecodingError {
        DecodingError(.payloadDecode, "invalid JSON payload at byte \(min(index, count)): \(reason)")
    }

    func describeByte(at position: Int) -> String {
        guard position < count else { return "end of the payload" }
        let byte = bytes[position]
        if byte >= 0x21 && byte < 0x7F {
            return "'\(Character(Unicode.Scalar(byte)))'"
        }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }
}

@inline(__always)
private func isDigit(_ byte: UInt8) -> Bool {
    byte &- zero < 10
}

@inline(__always)
private func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte | 0x20) &- UInt8(ascii: "a") < 6
}

/// Whether any of the eight bytes is a quote, a backslash, below 0x20 or at
/// least 0x80.
@inline(__always)
private func hasSpecialByte(_ word: UInt64) -> Bool {
    JSONEscaping.escapeMask(word) | (word & 0x8080_8080_8080_8080) != 0
}
