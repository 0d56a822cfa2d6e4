// Fuzz target for JSONValidator, the check every JSON payload goes through.
//
// Input: JSON text. Besides "no crash", it checks that the verdict does not
// change when whitespace surrounds the text. For accepted text it checks
// that JSONValue parses it and that wrapping it in an array is rejected only
// at the nesting limit. Last, the parsed value must survive a round trip
// through CBOREncoder and CBORTranscoder, whose JSON output JSONValidator
// must accept.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONValidator(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let accepted = jsonIsValid(data, count: size)
    let text = Array(UnsafeBufferPointer(start: data, count: size))

    let padded = Array(" \n".utf8) + text + Array("\t\r ".utf8)
    fuzzCheck(jsonIsValid(padded) == accepted, "surrounding whitespace changed the verdict from \(accepted)")
    guard accepted else {
        return 0
    }

    let value = parseValidJSON(text, "the fuzz input")
    let depth = nestingDepth(value)
    fuzzCheck(depth <= JSONValidator.maxDepth, "JSONValidator accepted nesting of depth \(depth)")
    let wrapped = Array("[".utf8) + text + Array("]".utf8)
    fuzzCheck(jsonIsValid(wrapped) == (depth < JSONValidator.maxDepth), "wrapping accepted JSON of depth \(depth) in an array gave the wrong verdict")

    checkCBORRoundTrip(value, "a value parsed from the fuzz input")
    return 0
}
