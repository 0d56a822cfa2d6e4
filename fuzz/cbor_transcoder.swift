// Fuzz target for CBORTranscoder, which turns CBOR payloads into JSON text.
//
// Input: one CBOR data item. Besides "no crash", it checks that accepted
// input becomes JSON text that JSONValidator accepts and JSONValue parses,
// and that this value survives a second round through CBOREncoder and
// CBORTranscoder.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCBORTranscoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let json = transcodeCBOR(data, count: size) else {
        return 0
    }

    fuzzCheck(jsonIsValid(json), "CBORTranscoder wrote invalid JSON: \(describe(json))")
    let value = parseValidJSON(json, "the transcoded fuzz input")
    checkCBORRoundTrip(value, "the transcoded fuzz input")
    return 0
}
