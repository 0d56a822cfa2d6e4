/// Strict UTF-8 validation (RFC 3629): no overlong forms, no encoded
/// surrogates, nothing above U+10FFFF.
public enum UTF8Validation {
    /// Returns the offset of the first byte that starts an invalid sequence,
    /// or nil when all `count` bytes are valid UTF-8.
    @inline(__always)
    static func firstInvalidOffset(_ bytes: UnsafePointer<UInt8>, count: Int) -> Int? {
        var index = 0

        // ASCII runs are by far the most common: test eight bytes at a time.
        while index + 8 <= count {
            let word = UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 {
                break
            }
            index += 8
        }
        if index == count {
            return nil
        }
        return validateFrom(bytes, count: count, start: index)
    }

    @inline(never)
    static func validateFrom(_ bytes: UnsafePointer<UInt8>, count: Int, start: Int) -> Int? {
        var index = start
        while index < count {
            let length = sequenceLength(bytes + index, available: count - index)
            if length == 0 {
                return index
            }
            index += length
        }
        return nil
    }

    /// Returns the length of the valid UTF-8 sequence at `bytes`, or 0 when
    /// it is invalid or truncated.
    @inline(__always)
    static func sequenceLength(_ bytes: UnsafePointer<UInt8>, available: Int) -> Int {
        let lead = bytes[0]
        if lead < 0x80 {
            return 1
        }

        @inline(__always) func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }

        if lead >= 0xC2 && lead <= 0xDF {
            return available >= 2 && isContinuation(bytes[1]) ? 2 : 0
        }
        if lead >= 0xE0 && lead <= 0xEF {
            guard available >= 3 else { return 0 }
            let second = bytes[1]
            let secondValid: Bool
            switch lead {
            case 0xE0: secondValid = second >= 0xA0 && second <= 0xBF  // no overlong forms
            case 0xED: secondValid = second >= 0x80 && second <= 0x9F  // no surrogates
            default: secondValid = isContinuation(second)
            }
            return secondValid && isContinuation(bytes[2]) ? 3 : 0
        }
        if lead >= 0xF0 && lead <= 0xF4 {
            guard available >= 4 else { return 0 }
            let second = bytes[1]
            let secondValid: Bool
            switch lead {
            case 0xF0: secondValid = second >= 0x90 && second <= 0xBF  // no overlong forms
            case 0xF4: secondValid = second >= 0x80 && second <= 0x8F  // nothing above U+10FFFF
            default: secondValid = isContinuation(second)
            }
            return secondValid && isContinuation(bytes[2]) && isContinuation(bytes[3]) ? 4 : 0
        }
        return 0
    }

    /// Returns `bytes` as a String in which each byte that is not part of a
    /// valid UTF-8 sequence, and each control character, is escaped as
    /// `\xNN`, so the result is safe to embed in a one-line error message.
    public static func escaped(_ bytes: UnsafeRawBufferPointer, limit: Int = 200) -> String {
        let input = bytes.bindMemory(to: UInt8.self)
        var output = [UInt8]()
        var index = 0
        let end = min(input.count, limit)
        while index < end {
            let length = sequenceLength(input.baseAddress! + index, available: input.count - index)
            let byte = input[index]
            if length == 0 || byte < 0x20 || byte == 0x7F {
                output.append(contentsOf: hexEscape(byte))
                index += 1
            } else {
                output.append(contentsOf: input[index..<index + length])
                index += length
            }
        }
        if input.count > end {
            output.append(contentsOf: "...".utf8)
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func hexEscape(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return [UInt8(ascii: "\\"), UInt8(ascii: "x"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
    }
}

extension UTF8Validation {
    /// Escapes a byte array; see ``escaped(_:limit:)``.
    public static func escaped(_ bytes: [UInt8], limit: Int = 200) -> String {
        bytes.withUnsafeBytes { escaped($0, limit: limit) }
    }
}
