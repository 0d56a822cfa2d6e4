import MisterWebhooksDecoding

/// Formats events as the one-line JSON objects that `consume` and `decode` print:
/// `topic`, `partition`, `offset`, `timestamp_ms`, `key`, `method`, `headers`
/// (a list of `[name, [values]]`) and `payload`.
enum EventJSON {
    static func line(_ event: WebhookEvent) -> String {
        var line = "{\"topic\":\(quoted(event.string(event.topic)))"
        line += ",\"partition\":\(event.partition),\"offset\":\(event.offset),\"timestamp_ms\":\(event.timestampMs)"
        line += ",\"key\":\(key(event))"
        line += ",\"method\":\"\(event.method.name ?? "GET")\""
        let headers = event.headers.map { "[\(quoted($0.name)),[\($0.values.map(quoted).joined(separator: ","))]]" }
        line += ",\"headers\":[\(headers.joined(separator: ","))]"
        line += ",\"payload\":\(compact(event.payloadJSONString))}"
        return line
    }

    /// Returns the key as a JSON string, or null. Invalid UTF-8 bytes of a
    /// key are shown escaped as \xNN.
    static func key(_ event: WebhookEvent) -> String {
        guard let key = event.key else { return "null" }
        return quoted(UTF8Validation.escaped(event.bytes(key), limit: Int.max))
    }

    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// Removes the whitespace between JSON tokens, so a pretty-printed
    /// payload fits on one line. The input is valid JSON.
    static func compact(_ json: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(json.utf8.count)
        var inString = false
        var escaped = false
        for byte in json.utf8 {
            if inString {
                output.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                output.append(byte)
            } else if byte != 0x20 && byte != 0x0A && byte != 0x0D && byte != 0x09 {
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
