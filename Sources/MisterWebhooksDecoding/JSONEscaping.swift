/// Writes JSON string contents.
enum JSONEscaping {
    /// Appends valid UTF-8 text as the inside of a JSON string, escaping the
    /// quote, the backslash and control characters.
    static func appendEscaped(_ bytes: UnsafePointer<UInt8>, count: Int, to output: inout ByteBuffer) {
        output.reserve(count)
        var runStart = 0
        var index = 0
        while true {
            // Skip eight bytes at a time while none needs escaping.
            while index + 8 <= count && !needsEscape(UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)) {
                index += 8
            }
            let limit = min(index + 8, count)
            while index < limit && !needsEscape(bytes[index]) {
                index += 1
            }
            if index == count {
                break
            }
            if index == limit {
                continue
            }

            output.append(bytes + runStart, count: index - runStart)
            appendEscape(for: bytes[index], to: &output)
            index += 1
            runStart = index
        }
        output.append(bytes + runStart, count: count - runStart)
    }

    /// Validates UTF-8 text and appends it as the inside of a JSON string in
    /// one pass, as ``appendEscaped(_:count:to:)`` does. Returns the offset
    /// of the first invalid UTF-8 sequence, or nil when all text is valid.
    static func appendValidatingEscaped(_ bytes: UnsafePointer<UInt8>, count: Int, to output: inout ByteBuffer) -> Int? {
        output.reserve(count)
        var runStart = 0
        var index = 0
        while true {
            // Skip eight bytes at a time while all are ASCII and none needs escaping.
            while index + 8 <= count {
                let word = UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 || needsEscape(word) {
                    break
                }
                index += 8
            }
            let limit = min(index + 8, count)
            var escapeFound = false
            while index < limit {
                let byte = bytes[index]
                if byte >= 0x80 {
                    let length = UTF8Validation.sequenceLength(bytes + index, available: count - index)
                    if length == 0 {
                        return index
                    }
                    index += length
                } else if needsEscape(byte) {
                    escapeFound = true
                    break
                } else {
                    index += 1
                }
            }
            if !escapeFound {
                if index >= count {
                    break
                }
                continue
            }

            output.append(bytes + runStart, count: index - runStart)
            appendEscape(for: bytes[index], to: &output)
            index += 1
            runStart = index
        }
        output.append(bytes + runStart, count: count - runStart)
        return nil
    }

    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Whether any of eight bytes is a quote, a backslash or below 0x20.
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        escapeMask(word) != 0
    }

    /// Returns a mask that is non-zero when any of eight bytes is a quote, a
    /// backslash or below 0x20, with the zero-byte test
    /// `(x - 0x01..) & ~x & 0x80..` of "Bit Twiddling Hacks" (Sean Eron
    /// Anderson). Only the high bit of each byte can be set.
    @inline(__always)
    static func escapeMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl) & 0x8080_8080_8080_8080
    }

    static func appendEscape(for byte: UInt8, to output: inout ByteBuffer) {
        switch byte {
        case UInt8(ascii: "\""): output.append("\\\"")
        case UInt8(ascii: "\\"): output.append("\\\\")
        case UInt8(ascii: "\n"): output.append("\\n")
        case UInt8(ascii: "\r"): output.append("\\r")
        case UInt8(ascii: "\t"): output.append("\\t")
        case 0x08: output.append("\\b")
        case 0x0C: output.append("\\f")
        default:
            let digits: StaticString = "0123456789abcdef"
            output.append("\\u00")
            output.append(digits.utf8Start[Int(byte >> 4)])
            output.append(digits.utf8Start[Int(byte & 0xF)])
        }
    }
}

/// Unpadded base64url (RFC 4648, section 5).
enum Base64URL {
    static func append(_ bytes: UnsafePointer<UInt8>, count: Int, to output: inout ByteBuffer) {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        let symbols = alphabet.utf8Start
        let length = (count * 4 + 2) / 3
        output.append(reserving: length) { out in
            var written = 0
            var index = 0
            while index + 3 <= count {
                let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                out[written] = symbols[Int(group >> 18 & 63)]
                out[written + 1] = symbols[Int(group >> 12 & 63)]
                out[written + 2] = symbols[Int(group >> 6 & 63)]
                out[written + 3] = symbols[Int(group & 63)]
                written += 4
                index += 3
            }
            let left = count - index
            if left == 1 {
                let group = UInt32(bytes[index]) << 16
                out[written] = symbols[Int(group >> 18 & 63)]
                out[written + 1] = symbols[Int(group >> 12 & 63)]
            } else if left == 2 {
                let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
                out[written] = symbols[Int(group >> 18 & 63)]
                out[written + 1] = symbols[Int(group >> 12 & 63)]
                out[written + 2] = symbols[Int(group >> 6 & 63)]
            }
        }
    }
}

/// Arbitrary-precision integers, only as far as printing them.
enum Bignum {
    /// Appends the decimal text of a CBOR bignum: the unsigned big-endian
    /// `magnitude` n for tag 2, or -1 - n for tag 3 (`negative`).
    static func appendDecimal(bigEndian magnitude: [UInt8], negative: Bool, to output: inout ByteBuffer) {
        // Base 10^9 limbs, least significant first.
        var limbs: [UInt32] = [0]
        for byte in magnitude {
            var carry = UInt64(byte)
            for position in limbs.indices {
                let value = UInt64(limbs[position]) * 256 + carry
                limbs[position] = UInt32(value % 1_000_000_000)
                carry = value / 1_000_000_000
            }
            if carry > 0 {
                limbs.append(UInt32(carry))
            }
        }

        if negative {
            // -1 - n: print n + 1 with a minus sign.
            var position = 0
            while true {
                if position == limbs.count {
                    limbs.append(1)
                    break
                }
                limbs[position] += 1
                if limbs[position] < 1_000_000_000 {
                    break
                }
                limbs[position] = 0
                position += 1
            }
            output.append(UInt8(ascii: "-"))
        }

        MisterWebhooksDecoding.appendDecimal(UInt64(limbs[limbs.count - 1]), to: &output)
        for limb in limbs.dropLast().reversed() {
            let text = String(limb)
            for _ in text.utf8.count..<9 {
                output.append(UInt8(ascii: "0"))
            }
            output.append(text)
        }
    }
}
