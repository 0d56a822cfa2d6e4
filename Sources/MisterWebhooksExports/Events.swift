import MisterWebhooksDecoding
import MisterWebhooksKafka

/// The library's version, also in the MW_VERSION_* macros of the header.
private let versionString: StaticString = "0.1.0"

@_cdecl("mw_version")
public func mw_version() -> UnsafePointer<CChar> {
    UnsafeRawPointer(versionString.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("mw_http_method_name")
public func mw_http_method_name(_ method: Int32) -> UnsafePointer<CChar>? {
    guard method >= 0 && Int(method) < HTTPMethod.names.count else { return nil }
    return UnsafeRawPointer(HTTPMethod.names[Int(method)].utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("mw_payload_encoding_name")
public func mw_payload_encoding_name(_ encoding: Int32) -> UnsafePointer<CChar>? {
    guard encoding >= 0 && Int(encoding) < PayloadEncoding.names.count else { return nil }
    return UnsafeRawPointer(PayloadEncoding.names[Int(encoding)].utf8Start).assumingMemoryBound(to: CChar.self)
}

/// Returns the event behind an `mw_event *`, which the caller keeps alive.
@inline(__always)
func event(_ pointer: OpaquePointer) -> WebhookEvent {
    Unmanaged<WebhookEvent>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
}

/// Returns a span's bytes as a C string, storing its length in `*length`.
@inline(__always)
func text(_ event: WebhookEvent, _ span: ByteSpan, _ length: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar> {
    length?.pointee = span.length
    return UnsafeRawPointer(event.pointer(span)).assumingMemoryBound(to: CChar.self)
}

@_cdecl("mw_event_decode")
public func mw_event_decode(
    _ envelope: UnsafeRawPointer?, _ envelopeLength: Int,
    _ value: UnsafeRawPointer?, _ valueLength: Int,
    _ timestampMs: Int64,
    _ outEvent: UnsafeMutablePointer<OpaquePointer?>?,
    _ outError: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    guard let outEvent else {
        return reportInvalidArgument("mw_event_decode: out_event is NULL; pass the address of an mw_event pointer", outError)
    }
    outEvent.pointee = nil

    let decoded = WebhookEvent(capacity: valueLength + 64)
    do {
        let isEvent = try EnvelopeDecoder.decode(
            envelope: envelope.map { UnsafeRawBufferPointer(start: $0, count: envelopeLength) },
            value: value.map { UnsafeRawBufferPointer(start: $0, count: valueLength) },
            timestampMs: timestampMs,
            into: decoded
        )
        if isEvent {
            outEvent.pointee = OpaquePointer(Unmanaged.passRetained(decoded).toOpaque())
        }
        return succeed(outError)
    } catch let error as DecodingError {
        let coordinates = MisterWebhooksError.RecordCoordinates(topic: "", partition: -1, offset: -1)
        return report(MisterWebhooksError(error, record: coordinates), outError)
    } catch {
        return report(MisterWebhooksError(.envelopeDecode, "\(error)"), outError)
    }
}

@_cdecl("mw_event_method")
public func mw_event_method(_ pointer: OpaquePointer?) -> Int32 {
    guard let pointer else { return 0 }
    return event(pointer).method.rawValue
}

@_cdecl("mw_event_encoding")
public func mw_event_encoding(_ pointer: OpaquePointer?) -> Int32 {
    guard let pointer else { return 0 }
    return event(pointer).encoding.rawValue
}

@_cdecl("mw_event_timestamp_ms")
public func mw_event_timestamp_ms(_ pointer: OpaquePointer?) -> Int64 {
    guard let pointer else { return 0 }
    return event(pointer).timestampMs
}

@_cdecl("mw_event_header_count")
public func mw_event_header_count(_ pointer: OpaquePointer?) -> Int {
    guard let pointer else { return 0 }
    return event(pointer).headerCount
}

@_cdecl("mw_event_header_name")
public func mw_event_header_name(_ pointer: OpaquePointer?, _ index: Int, _ length: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    guard let pointer, index >= 0 && index < event(pointer).headerCount else {
        length?.pointee = 0
        return nil
    }
    let event = event(pointer)
    return text(event, event.headerName(index), length)
}

@_cdecl("mw_event_header_value_count")
public func mw_event_header_value_count(_ pointer: OpaquePointer?, _ index: Int) -> Int {
    guard let pointer else { return 0 }
    let event = event(pointer)
    guard index >= 0 && index < event.headerCount else { return 0 }
    return event.headerValueCount(index)
}

@_cdecl("mw_event_header_value")
public func mw_event_header_value(_ pointer: OpaquePointer?, _ index: Int, _ valueIndex: Int, _ length: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    guard let pointer else {
        length?.pointee = 0
        return nil
    }
    let event = event(pointer)
    guard index >= 0 && index < event.headerCount,
          valueIndex >= 0 && valueIndex < event.headerValueCount(index) else {
        length?.pointee = 0
        return nil
    }
    return text(event, event.headerValue(index, valueIndex), length)
}

@_cdecl("mw_event_headers_json")
public func mw_event_headers_json(_ pointer: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int {
    guard let pointer else {
        if let buffer, capacity > 0 {
            buffer[0] = 0
        }
        return 0
    }
    let event = event(pointer)
    var json = ByteBuffer(capacity: 256)
    defer { json.deallocate() }
    event.appendHeadersJSON(to: &json)

    if let buffer, capacity > 0 {
        let copied = min(json.count, capacity - 1)
        UnsafeMutableRawPointer(buffer).copyMemory(from: json.base, byteCount: copied)
        buffer[copied] = 0
    }
    return json.count
}

@_cdecl("mw_event_payload_json")
public func mw_event_payload_json(_ pointer: OpaquePointer?, _ length: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    guard let pointer else {
        length?.pointee = 0
        return nil
    }
    let event = event(pointer)
    return text(event, event.payloadJSON, length)
}

@_cdecl("mw_event_payload_raw")
public func mw_event_payload_raw(_ pointer: OpaquePointer?, _ length: UnsafeMutablePointer<Int>?) -> UnsafeRawPointer? {
    guard let pointer else {
        length?.pointee = 0
        return nil
    }
    let event = event(pointer)
    return UnsafeRawPointer(text(event, event.payloadRaw, length))
}

@_cdecl("mw_event_topic")
public func mw_event_topic(_ pointer: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let pointer else { return nil }
    let event = event(pointer)
    return text(event, event.topic, nil)
}

@_cdecl("mw_event_partition")
public func mw_event_partition(_ pointer: OpaquePointer?) -> Int32 {
    guard let pointer else { return -1 }
    return event(pointer).partition
}

@_cdecl("mw_event_offset")
public func mw_event_offset(_ pointer: OpaquePointer?) -> Int64 {
    guard let pointer else { return -1 }
    return event(pointer).offset
}

@_cdecl("mw_event_key")
public func mw_event_key(_ pointer: OpaquePointer?, _ length: UnsafeMutablePointer<Int>?) -> UnsafeRawPointer? {
    guard let pointer, let key = event(pointer).key else {
        length?.pointee = 0
        return nil
    }
    return UnsafeRawPointer(text(event(pointer), key, length))
}

@_cdecl("mw_event_copy")
public func mw_event_copy(_ pointer: OpaquePointer?) -> OpaquePointer? {
    guard let pointer else { return nil }
    return OpaquePointer(Unmanaged.passRetained(event(pointer).copy()).toOpaque())
}

@_cdecl("mw_event_free")
public func mw_event_free(_ pointer: OpaquePointer?) {
    guard let pointer else { return }
    Unmanaged<WebhookEvent>.fromOpaque(UnsafeRawPointer(pointer)).release()
}
