/// Writes JSON string contents.
enum JSONEscaping {
    /// Appends valid UTF-8 text as the inside of a JSON string, escaping the
    /// quote, the backslash and control characters.
    static func appendEscaped(_ bytes: UnsafePointer<UInt8>, count: Int, to output: inout ByteBuffer) {
        var runStart = 0
        for index in 0..<count {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }

            output.append(bytes + runStart, count: index - runStart)
            runStart = index + 1
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
        output.append(bytes + runStart, count: count - runStart)
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
