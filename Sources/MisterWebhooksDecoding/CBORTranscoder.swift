/// Converts one CBOR data item (RFC 8949) to JSON text.
///
/// Byte strings become unpadded base64url strings. Tags are dropped, except
/// bignums (tags 2 and 3), which become exact integers. NaN, infinities,
/// `undefined` and other simple values become `null`. Integer, float,
/// boolean and null map keys become their JSON text as a string. Array and map keys, invalid UTF-8, trailing bytes, a break outside
/// an indefinite-length item and nesting deeper than ``maxDepth`` arrays,
/// maps and tags are errors. It runs without recursion.
public enum CBORTranscoder {
    /// The deepest nesting of arrays, maps and tags accepted.
    public static let maxDepth = 512

    /// The maximum length of a bignum, in bytes (about 19,700 decimal digits).
    /// Converting a bignum to decimal takes time quadratic in its length.
    public static let maxBignumLength = 8192

    /// Appends the JSON text of the CBOR item in `count` bytes at `bytes` to
    /// `output`, or throws a ``DecodingError`` of kind `.payloadDecode`.
    /// On error, `output` may hold a partial result past its old count.
    public static func transcode(_ bytes: UnsafePointer<UInt8>, count: Int, into output: inout ByteBuffer) throws {
        try withUnsafeTemporaryAllocation(of: CBORFrame.self, capacity: maxDepth + 1) { frames in
            var transcoder = CBORReader(bytes: bytes, count: count, frames: frames.baseAddress!)
            try transcoder.transcodeDocument(into: &output)
        }
    }
}

/// An open array or map.
struct CBORFrame {
    var isMap: Bool
    var isIndefinite: Bool
    /// Items still to read in a definite-length container (a map counts keys
    /// and values separately).
    var remaining: UInt64
    /// Items read so far, keys and values counted separately.
    var itemsRead: UInt64
    /// How much this container and the tags before it add to the depth.
    var depthCost: Int
}

private let breakByte: UInt8 = 0xFF

private struct CBORReader {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    let frames: UnsafeMutablePointer<CBORFrame>
    var frameCount = 0
    var index = 0
    var depth = 0

    init(bytes: UnsafePointer<UInt8>, count: Int, frames: UnsafeMutablePointer<CBORFrame>) {
        self.bytes = bytes
        self.count = count
        self.frames = frames
    }

    mutating func transcodeDocument(into output: inout ByteBuffer) throws {
        guard count > 0 else {
            throw failure("the payload is empty")
        }

        repeat {
            if frameCount > 0 {
                let top = frameCount - 1
                if try closeIfComplete(top, into: &output) {
                    continue
                }
                writeSeparator(frames[top], into: &output)
                let isKey = frames[top].isMap && frames[top].itemsRead % 2 == 0
                frames[top].itemsRead += 1
                if !frames[top].isIndefinite {
                    frames[top].remaining -= 1
                }
                try transcodeItem(isKey: isKey, into: &output)
            } else {
                try transcodeItem(isKey: false, into: &output)
            }
        } while frameCount > 0

        guard index == count else {
            throw failure("\(count - index) bytes after the CBOR data item")
        }
    }

    /// Closes the container at `top` when it has no more items, and returns
    /// whether it did.
    mutating func closeIfComplete(_ top: Int, into output: inout ByteBuffer) throws -> Bool {
        let frame = frames[top]
        if frame.isIndefinite {
            guard index < count else {
                throw failure("unexpected end of the payload inside an indefinite-length \(frame.isMap ? "map" : "array")")
            }
            guard bytes[index] == breakByte else { return false }
            if frame.isMap && frame.itemsRead % 2 == 1 {
                throw failure("break between a map key and its value")
            }
            index += 1
        } else if frame.remaining > 0 {
            return false
        }

        output.append(frame.isMap ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        depth -= frame.depthCost
        frameCount -= 1
        return true
    }

    @inline(__always)
    func writeSeparator(_ frame: CBORFrame, into output: inout ByteBuffer) {
        guard frame.itemsRead > 0 else { return }
        if frame.isMap && frame.itemsRead % 2 == 1 {
            output.append(UInt8(ascii: ":"))
        } else {
            output.append(UInt8(ascii: ","))
        }
    }

    // MARK: - Data items

    /// Reads one data item with its tags. A scalar is written whole; an
    /// array or map is opened and pushed as a frame.
    mutating func transcodeItem(isKey: Bool, into output: inout ByteBuffer) throws {
        var tagCount = 0
        var innermostTag: UInt64?
        var (major, info, argument) = try readHead()

        while major == 6 {
            tagCount += 1
            guard depth + tagCount <= CBORTranscoder.maxDepth else {
                throw failure("arrays, maps and tags nest deeper than \(CBORTranscoder.maxDepth) levels")
            }
            innermostTag = argument
            (major, info, argument) = try readHead()
        }

        if let tag = innermostTag, tag == 2 || tag == 3 {
            guard major == 2 else {
                throw failure("tag \(tag) (bignum) must contain a byte string, found major type \(major)")
            }
            try transcodeBignum(negative: tag == 3, info: info, argument: argument, isKey: isKey, into: &output)
            return
        }

        switch major {
        case 0:
            writeQuotedIf(isKey, into: &output) { appendDecimal(argument, to: &$0) }
        case 1:
            writeQuotedIf(isKey, into: &output) { appendNegative(argument, to: &$0) }
        case 2:
            try transcodeByteString(info: info, argument: argument, into: &output)
        case 3:
            try transcodeTextString(info: info, argument: argument, into: &output)
        case 4, 5:
            guard !isKey else {
                throw failure("\(major == 4 ? "an array" : "a map") cannot be a map key in JSON")
            }
            try push(isMap: major == 5, info: info, argument: argument, tagCount: tagCount, into: &output)
        default:
            try transcodeSimpleOrFloat(info: info, argument: argument, isKey: isKey, into: &output)
        }
    }

    /// Reads an initial byte and its argument. For additional information 31
    /// (indefinite length) the argument is 0.
    mutating func readHead() throws -> (major: UInt8, info: UInt8, argument: UInt64) {
        guard index < count else {
            throw failure("unexpected end of the payload, expected a data item")
        }
        let initial = bytes[index]
        let major = initial >> 5
        let info = initial & 0x1F
        index += 1

        switch info {
        case 0..<24:
            return (major, info, UInt64(info))
        case 24...27:
            let length = 1 << Int(info - 24)
            guard count - index >= length else {
                throw failure("unexpected end of the payload inside an argument")
            }
            var argument: UInt64 = 0
            for offset in 0..<length {
                argument = argument << 8 | UInt64(bytes[index + offset])
            }
            index += length
            return (major, info, argument)
        case 31:
            switch major {
            case 2, 3, 4, 5:
                return (major, info, 0)
            case 7:
                index -= 1
                throw failure("break (0xFF) outside an indefinite-length item")
            default:
                index -= 1
                throw failure("major type \(major) cannot have an indefinite length")
            }
        default:
            index -= 1
            throw failure("reserved additional information \(info) in initial byte 0x\(String(initial, radix: 16, uppercase: true))")
        }
    }

    mutating func push(isMap: Bool, info: UInt8, argument: UInt64, tagCount: Int, into output: inout ByteBuffer) throws {
        let cost = tagCount + 1
        guard depth + cost <= CBORTranscoder.maxDepth else {
            throw failure("arrays, maps and tags nest deeper than \(CBORTranscoder.maxDepth) levels")
        }

        let isIndefinite = info == 31
        var items = argument
        if !isIndefinite {
            // Every item takes at least one byte, so a count beyond the bytes
            // left is invalid; checking it first also avoids overflow below.
            let available = UInt64(count - index)
            guard items <= available, !isMap || items <= available / 2 else {
                throw failure("\(isMap ? "map" : "array") of \(argument) items is longer than the \(available) bytes left")
            }
            if isMap {
                items *= 2
            }
        }

        output.append(isMap ? UInt8(ascii: "{") : UInt8(ascii: "["))
        frames[frameCount] = CBORFrame(isMap: isMap, isIndefinite: isIndefinite, remaining: items, itemsRead: 0, depthCost: cost)
        frameCount += 1
        depth += cost
    }

    // MARK: - Strings

    /// Calls `body` with the start and length in `bytes` of each chunk of a
    /// byte or text string: one for a definite length, or each chunk of an
    /// indefinite-length one.
    mutating func forEachChunk(major: UInt8, info: UInt8, argument: UInt64, _ body: (Int, Int) -> Void) throws {
        if info != 31 {
            body(try takeBytes(argument), Int(argument))
            return
        }
        while true {
            guard index < count else {
                throw failure("unexpected end of the payload inside an indefinite-length string")
            }
            if bytes[index] == breakByte {
                index += 1
                return
            }
            let (chunkMajor, chunkInfo, length) = try readHead()
            guard chunkMajor == major else {
                throw failure("chunk of major type \(chunkMajor) inside an indefinite-length string of major type \(major)")
            }
            guard chunkInfo != 31 else {
                throw failure("indefinite-length chunk inside an indefinite-length string")
            }
            body(try takeBytes(length), Int(length))
        }
    }

    /// Skips `length` bytes and returns where they start.
    mutating func takeBytes(_ length: UInt64) throws -> Int {
        guard length <= UInt64(count - index) else {
            throw failure("string of \(length) bytes is longer than the \(count - index) bytes left")
        }
        let start = index
        index += Int(length)
        return start
    }

    mutating func transcodeTextString(info: UInt8, argument: UInt64, into output: inout ByteBuffer) throws {
        let base = bytes
        var invalidOffset: Int?
        output.append(UInt8(ascii: "\""))
        try forEachChunk(major: 3, info: info, argument: argument) { start, length in
            if invalidOffset == nil, let invalid = JSONEscaping.appendValidatingEscaped(base + start, count: length, to: &output) {
                invalidOffset = start + invalid
            }
        }
        output.append(UInt8(ascii: "\""))
        if let invalidOffset {
            index = invalidOffset
            throw failure("invalid UTF-8 in a text string")
        }
    }

    mutating func transcodeByteString(info: UInt8, argument: UInt64, into output: inout ByteBuffer) throws {
        let base = bytes
        output.append(UInt8(ascii: "\""))
        if info != 31 {
            let start = try takeBytes(argument)
            Base64URL.append(base + start, count: Int(argument), to: &output)
        } else {
            var joined = [UInt8]()
            try forEachChunk(major: 2, info: info, argument: argument) { start, length in
                joined.append(contentsOf: UnsafeBufferPointer(start: base + start, count: length))
            }
            joined.withUnsafeBufferPointer { Base64URL.append($0.baseAddress!, count: $0.count, to: &output) }
        }
        output.append(UInt8(ascii: "\""))
    }

    mutating func transcodeBignum(negative: Bool, info: UInt8, argument: UInt64, isKey: Bool, into output: inout ByteBuffer) throws {
        let base = bytes
        var magnitude = [UInt8]()
        var tooLong = false
        try forEachChunk(major: 2, info: info, argument: argument) { start, length in
            if magnitude.count + length > CBORTranscoder.maxBignumLength {
                tooLong = true
            } else {
                magnitude.append(contentsOf: UnsafeBufferPointer(start: base + start, count: length))
            }
        }
        guard !tooLong else {
            throw failure("bignum longer than \(CBORTranscoder.maxBignumLength) bytes is not supported")
        }
        writeQuotedIf(isKey, into: &output) { output in
            Bignum.appendDecimal(bigEndian: magnitude, negative: negative, to: &output)
        }
    }

    // MARK: - Simple values and floats

    mutating func transcodeSimpleOrFloat(info: UInt8, argument: UInt64, isKey: Bool, into output: inout ByteBuffer) throws {
        switch info {
        case 20:
            writeQuotedIf(isKey, into: &output) { $0.append("false") }
        case 21:
            writeQuotedIf(isKey, into: &output) { $0.append("true") }
        case 24 where argument < 32:
            index -= 2
            throw failure("simple value \(argument) must use a one-byte encoding")
        case 25:
            appendFloat(halfToDouble(UInt16(argument)), isKey: isKey, to: &output)
        case 26:
            appendFloat(Double(Float(bitPattern: UInt32(argument))), isKey: isKey, to: &output)
        case 27:
            appendFloat(Double(bitPattern: argument), isKey: isKey, to: &output)
        default:
            // null, undefined and unassigned simple values
            writeQuotedIf(isKey, into: &output) { $0.append("null") }
        }
    }

    func appendFloat(_ value: Double, isKey: Bool, to output: inout ByteBuffer) {
        writeQuotedIf(isKey, into: &output) { output in
            if value.isFinite {
                output.append(value.description)
            } else {
                output.append("null")
            }
        }
    }

    // MARK: - Helpers

    @inline(__always)
    func writeQuotedIf(_ quoted: Bool, into output: inout ByteBuffer, _ body: (inout ByteBuffer) -> Void) {
        if quoted {
            output.append(UInt8(ascii: "\""))
        }
        body(&output)
        if quoted {
            output.append(UInt8(ascii: "\""))
        }
    }

    func failure(_ reason: String) -> DecodingError {
        DecodingError(.payloadDecode, "invalid CBOR payload at byte \(min(index, count)): \(reason)")
    }
}

/// Converts an IEEE 754 half-precision float to a Double.
func halfToDouble(_ bits: UInt16) -> Double {
    let sign: Double = bits & 0x8000 != 0 ? -1 : 1
    let exponent = Int(bits >> 10) & 0x1F
    let fraction = Double(bits & 0x3FF)
    switch exponent {
    case 0:
        return sign * fraction * 0x1p-24
    case 31:
        return fraction == 0 ? sign * .infinity : .nan
    default:
        return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
    }
}

/// Appends the decimal digits of `value`.
func appendDecimal(_ value: UInt64, to output: inout ByteBuffer) {
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes hold the 20 digits of UInt64.max
    withUnsafeMutableBytes(of: &digits) { buffer in
        var position = buffer.count
        var remaining = value
        repeat {
            position -= 1
            buffer[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        } while remaining > 0
        let start = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + position
        output.append(start, count: buffer.count - position)
    }
}

/// Appends the decimal text of the CBOR negative integer `-1 - argument`.
func appendNegative(_ argument: UInt64, to output: inout ByteBuffer) {
    output.append(UInt8(ascii: "-"))
    if argument == UInt64.max {
        output.append("18446744073709551616")
    } else {
        appendDecimal(argument + 1, to: &output)
    }
}
