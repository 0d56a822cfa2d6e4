// Fuzz target for the Avro KafkaMessageEnvelopeV1 reader (AvroReader),
// reached through EnvelopeDecoder with envelope 0x80 as consumers reach it.
//
// Input: a record value. Besides "no crash", it checks that errors are
// envelope or payload decoding errors, and that a decoded event has valid
// payload JSON, valid UTF-8 header text, valid headers JSON, and decodes to
// the same event after EnvelopeEncoder encodes it again.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAvroEnvelope(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let event = WebhookEvent(capacity: 16)
    let isEvent: Bool
    do {
        isEvent = try withUnsafeBytes(of: EnvelopeDecoder.avroEnvelopeV1) { envelope in
            try EnvelopeDecoder.decode(
                envelope: envelope, value: UnsafeRawBufferPointer(start: data, count: size),
                timestampMs: 0, into: event)
        }
    } catch let error as DecodingError {
        fuzzCheck(error.kind == .envelopeDecode || error.kind == .payloadDecode, "envelope 0x80 failed with kind \(error.kind): \(error.message)")
        return 0
    } catch {
        fatalError("EnvelopeDecoder threw a non-DecodingError: \(error)")
    }

    fuzzCheck(isEvent, "envelope 0x80 decoded as a system record")
    let raw = checkDecodedEvent(event)
    checkEnvelopeRoundTrip(event, raw: raw)
    return 0
}
