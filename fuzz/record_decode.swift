// Fuzz target for whole-record decoding as mw_event_decode does it: the
// envelope header, then the Avro value and the payload.
//
// Input: the first byte is the value of the `envelope` header and the rest
// is the record value. An empty input is a record with neither. One event is
// reused for every input, after reset(), as the consumer reuses it. Besides
// "no crash", it checks that the outcome matches the envelope byte, that a
// decoded event is consistent, and that copy() keeps it unchanged.

/// The event reused across inputs, like the consumer's.
private let reusedEvent = WebhookEvent(capacity: 16)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecordDecode(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let envelope = size > 0 ? UnsafeRawBufferPointer(start: data, count: 1) : nil
    let value = size > 0 ? UnsafeRawBufferPointer(start: data + 1, count: size - 1) : nil
    let timestampMs = Int64(size) * 1_000

    let isEvent: Bool
    do {
        isEvent = try EnvelopeDecoder.decode(envelope: envelope, value: value, timestampMs: timestampMs, into: reusedEvent)
    } catch let error as DecodingError {
        let expected: Set<DecodingError.Kind>
        if size == 0 {
            expected = [.malformedMessage]
        } else if data[0] > EnvelopeDecoder.avroEnvelopeV1 {
            expected = [.unsupportedEnvelope]
        } else {
            expected = [.envelopeDecode, .payloadDecode]
        }
        fuzzCheck(expected.contains(error.kind), "envelope \(size > 0 ? String(data[0], radix: 16) : "none") failed with kind \(error.kind): \(error.message)")
        fuzzCheck(!error.message.isEmpty && !error.message.contains("\n"), "error message is not one line: \(error.message)")
        return 0
    } catch {
        fatalError("EnvelopeDecoder threw a non-DecodingError: \(error)")
    }

    fuzzCheck(size > 0, "a record without an envelope header decoded")
    fuzzCheck(isEvent == (data[0] == EnvelopeDecoder.avroEnvelopeV1), "envelope \(String(data[0], radix: 16)) gave isEvent \(isEvent)")
    guard isEvent else {
        return 0
    }

    fuzzCheck(reusedEvent.timestampMs == timestampMs, "timestamp changed")
    fuzzCheck(reusedEvent.partition == -1 && reusedEvent.offset == -1, "a decoded record has a partition or offset")
    fuzzCheck(reusedEvent.key == nil && reusedEvent.topic.length == 0, "a decoded record has a key or topic")
    let raw = checkDecodedEvent(reusedEvent)

    let copy = reusedEvent.copy()
    fuzzCheck(copy.method == reusedEvent.method && copy.encoding == reusedEvent.encoding, "copy() changed the method or encoding")
    fuzzCheck(copy.headers.elementsEqual(reusedEvent.headers, by: { $0.name == $1.name && $0.values == $1.values }), "copy() changed the headers")
    fuzzCheck(copy.bytes(copy.payloadRaw) == raw, "copy() changed the raw payload")
    fuzzCheck(copy.bytes(copy.payloadJSON) == reusedEvent.bytes(reusedEvent.payloadJSON), "copy() changed the payload JSON")
    checkDecodedEvent(copy)
    return 0
}
