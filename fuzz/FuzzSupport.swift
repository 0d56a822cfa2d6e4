// Checks shared by the fuzz targets. Each target is compiled together with
// the sources of MisterWebhooksDecoding into one module (see fuzz/run.sh), so
// internal declarations are visible here.

/// Stops the process with `message` when an invariant of the decoders fails.
/// libFuzzer reports the trap as a crash and saves the input.
@inline(__always)
func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        fatalError("invariant failed: \(message())")
    }
}

/// Calls `body` with a heap copy of `bytes` that is exactly `bytes.count`
/// long, so AddressSanitizer reports any read past its end. An Array's
/// storage may have spare capacity, which hides such reads.
func withExactCopy<Result>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> Result) rethrows -> Result {
    let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
    defer { copy.deallocate() }
    bytes.withUnsafeBufferPointer { buffer in
        if let base = buffer.baseAddress {
            copy.update(from: base, count: buffer.count)
        }
    }
    return try body(copy, bytes.count)
}

/// Returns whether ``JSONValidator`` accepts `count` bytes at `bytes`, and
/// checks that a rejection is a `.payloadDecode` error.
func jsonIsValid(_ bytes: UnsafePointer<UInt8>, count: Int) -> Bool {
    do {
        try JSONValidator.validate(bytes, count: count)
        return true
    } catch let error as DecodingError {
        fuzzCheck(error.kind == .payloadDecode, "JSONValidator threw kind \(error.kind): \(error.message)")
        return false
    } catch {
        fatalError("JSONValidator threw a non-DecodingError: \(error)")
    }
}

func jsonIsValid(_ bytes: [UInt8]) -> Bool {
    withExactCopy(bytes) { jsonIsValid($0, count: $1) }
}

/// Returns a copy of the bytes in a ``ByteBuffer``.
func contents(of buffer: ByteBuffer) -> [UInt8] {
    Array(UnsafeBufferPointer(start: buffer.base, count: buffer.count))
}

/// Transcodes CBOR to JSON text, or returns nil when ``CBORTranscoder``
/// rejects it (checking that the error is a `.payloadDecode` error).
/// The output buffer starts small, so its growth is exercised too.
func transcodeCBOR(_ bytes: UnsafePointer<UInt8>, count: Int) -> [UInt8]? {
    var output = ByteBuffer(capacity: 16)
    defer { output.deallocate() }
    do {
        try CBORTranscoder.transcode(bytes, count: count, into: &output)
    } catch let error as DecodingError {
        fuzzCheck(error.kind == .payloadDecode, "CBORTranscoder threw kind \(error.kind): \(error.message)")
        return nil
    } catch {
        fatalError("CBORTranscoder threw a non-DecodingError: \(error)")
    }
    return contents(of: output)
}

/// Parses JSON text that ``JSONValidator`` accepted. A rejection here means
/// that the parser and the validator disagree.
func parseValidJSON(_ text: [UInt8], _ context: @autoclosure () -> String) -> JSONValue {
    do {
        return try JSONValue.parse(text)
    } catch {
        fatalError("invariant failed: JSONValue.parse rejected JSON that JSONValidator accepted (\(context())): \(error)")
    }
}

/// Returns the nesting depth of arrays and objects: 0 for a scalar.
func nestingDepth(_ value: JSONValue) -> Int {
    switch value {
    case .array(let elements):
        return 1 + (elements.map(nestingDepth).max() ?? 0)
    case .object(let members):
        return 1 + (members.map { nestingDepth($0.1) }.max() ?? 0)
    default:
        return 0
    }
}

/// Compares `original` with the value that comes back after ``CBOREncoder``
/// and ``CBORTranscoder``, which change numbers on purpose: integers that
/// fit 64 bits keep their value, every other number becomes a double, and a
/// double that is not finite becomes null. Strings, names, member order and
/// duplicate names must survive unchanged.
func sameAfterCBORRoundTrip(_ original: JSONValue, _ result: JSONValue) -> Bool {
    switch (original, result) {
    case (.null, .null):
        return true
    case let (.bool(a), .bool(b)):
        return a == b
    case let (.string(a), .string(b)):
        return a == b
    case let (.array(a), .array(b)):
        return a.count == b.count && zip(a, b).allSatisfy { sameAfterCBORRoundTrip($0, $1) }
    case let (.object(a), .object(b)):
        return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && sameAfterCBORRoundTrip($0.1, $1.1) }
    case let (.number(text), _):
        return sameNumberAfterCBORRoundTrip(text, result)
    default:
        return false
    }
}

/// Compares one number for ``sameAfterCBORRoundTrip(_:_:)``, by the rules of
/// `CBOREncoder.appendNumber`.
func sameNumberAfterCBORRoundTrip(_ text: String, _ result: JSONValue) -> Bool {
    // UInt64("-0") is 0, so "-0" becomes the integer 0.
    if let unsigned = UInt64(text) {
        return result == .number(String(unsigned))
    }
    if text.hasPrefix("-"), let magnitude = UInt64(text.dropFirst()), magnitude > 0 {
        return result == .number("-\(magnitude)")
    }

    let value = Double(text) ?? .nan
    guard value.isFinite else {
        return result == .null
    }
    guard case .number(let resultText) = result, let resultValue = Double(resultText) else {
        return false
    }
    return resultValue.bitPattern == value.bitPattern
}

/// Encodes `value` as CBOR, transcodes it back to JSON, and checks that the
/// JSON is valid and contains the same value. Returns the JSON text.
@discardableResult
func checkCBORRoundTrip(_ value: JSONValue, _ context: @autoclosure () -> String) -> [UInt8] {
    let cbor = CBOREncoder.encode(value)
    guard let json = withExactCopy(cbor, { transcodeCBOR($0, count: $1) }) else {
        fatalError("invariant failed: CBORTranscoder rejected the CBOREncoder output of a valid value (\(context()))")
    }
    fuzzCheck(jsonIsValid(json), "CBORTranscoder wrote invalid JSON for the CBOREncoder output (\(context())): \(describe(json))")

    let back = parseValidJSON(json, context())
    fuzzCheck(sameAfterCBORRoundTrip(value, back), "value changed in a CBOR round trip (\(context())): \(describe(json))")
    return json
}

/// Returns bytes as text for a failure message: UTF-8 where valid, at most
/// 512 bytes.
func describe(_ bytes: [UInt8]) -> String {
    let shown = String(decoding: bytes.prefix(512), as: UTF8.self)
    return bytes.count > 512 ? "\(shown)... (\(bytes.count) bytes)" : shown
}

/// Checks the parts of a decoded event that every caller reads: the payload
/// JSON is valid, the raw payload is intact, header text is valid UTF-8,
/// and the headers JSON of `mw_event_headers_json` is valid. Returns the
/// raw payload.
@discardableResult
func checkDecodedEvent(_ event: WebhookEvent) -> [UInt8] {
    let json = event.bytes(event.payloadJSON)
    fuzzCheck(jsonIsValid(json), "the payload JSON of a decoded event is invalid: \(describe(json))")
    fuzzCheck(event.pointer(event.payloadJSON)[json.count] == 0, "the payload JSON is not NUL-terminated")

    let raw = event.bytes(event.payloadRaw)
    fuzzCheck(event.pointer(event.payloadRaw)[raw.count] == 0, "the raw payload is not NUL-terminated")
    if event.encoding == .json {
        let withoutBOM = raw.starts(with: PayloadDecoder.byteOrderMark) ? Array(raw.dropFirst(3)) : raw
        fuzzCheck(json == withoutBOM, "a JSON payload changed in decoding")
    }

    for index in 0..<event.headerCount {
        let name = event.headerName(index)
        fuzzCheck(UTF8Validation.firstInvalidOffset(event.pointer(name), count: name.length) == nil, "header name \(index) is not valid UTF-8")
        for valueIndex in 0..<event.headerValueCount(index) {
            let value = event.headerValue(index, valueIndex)
            fuzzCheck(UTF8Validation.firstInvalidOffset(event.pointer(value), count: value.length) == nil, "header \(index) value \(valueIndex) is not valid UTF-8")
        }
    }

    var headersJSON = ByteBuffer(capacity: 16)
    defer { headersJSON.deallocate() }
    event.appendHeadersJSON(to: &headersJSON)
    fuzzCheck(jsonIsValid(contents(of: headersJSON)), "the headers JSON is invalid: \(describe(contents(of: headersJSON)))")
    return raw
}

/// Encodes the decoded event again with ``EnvelopeEncoder``, decodes that,
/// and checks that method, encoding, headers and payload are unchanged.
/// The input may differ from the new encoding (negative block counts,
/// several blocks), but not its meaning.
func checkEnvelopeRoundTrip(_ event: WebhookEvent, raw: [UInt8]) {
    let value = EnvelopeEncoder.encode(method: event.method, headers: event.headers, payload: raw, encoding: event.encoding)
    let again = WebhookEvent(capacity: 16)
    let isEvent: Bool
    do {
        isEvent = try withExactCopy(value) { base, count in
            try withUnsafeBytes(of: EnvelopeDecoder.avroEnvelopeV1) { envelope in
                try EnvelopeDecoder.decode(
                    envelope: envelope, value: UnsafeRawBufferPointer(start: base, count: count),
                    timestampMs: event.timestampMs, into: again)
            }
        }
    } catch {
        fatalError("invariant failed: the re-encoded envelope does not decode: \(error)")
    }

    fuzzCheck(isEvent, "the re-encoded envelope decoded as a system record")
    fuzzCheck(again.method == event.method, "method changed in a round trip")
    fuzzCheck(again.encoding == event.encoding, "payload encoding changed in a round trip")
    fuzzCheck(again.headerCount == event.headerCount, "header count changed in a round trip")
    for index in 0..<min(again.headerCount, event.headerCount) {
        fuzzCheck(again.bytes(again.headerName(index)) == event.bytes(event.headerName(index)), "header name \(index) changed in a round trip")
        fuzzCheck(again.headerValueCount(index) == event.headerValueCount(index), "value count of header \(index) changed in a round trip")
        for valueIndex in 0..<min(again.headerValueCount(index), event.headerValueCount(index)) {
            fuzzCheck(again.bytes(again.headerValue(index, valueIndex)) == event.bytes(event.headerValue(index, valueIndex)),
                      "header \(index) value \(valueIndex) changed in a round trip")
        }
    }
    fuzzCheck(again.bytes(again.payloadRaw) == raw, "raw payload changed in a round trip")
    fuzzCheck(again.bytes(again.payloadJSON) == event.bytes(event.payloadJSON), "payload JSON changed in a round trip")
}
