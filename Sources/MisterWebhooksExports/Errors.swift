import MisterWebhooksDecoding
import MisterWebhooksKafka

#if canImport(Glibc)
import Glibc
#endif

/// The object behind `mw_error *`.
final class CError {
    let code: Int32
    let message: UnsafeMutablePointer<CChar>
    let topic: UnsafeMutablePointer<CChar>?
    let partition: Int32
    let offset: Int64

    init(_ error: MisterWebhooksError) {
        code = error.code.rawValue
        message = strdup(error.message)!
        topic = error.record.map { strdup($0.topic)! }
        partition = error.record?.partition ?? -1
        offset = error.record?.offset ?? -1
    }

    deinit {
        free(message)
        free(topic)
    }
}

/// Stores `error` in `*out` when `out` is not NULL and returns its status.
func report(_ error: MisterWebhooksError, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = OpaquePointer(Unmanaged.passRetained(CError(error)).toOpaque())
    return error.code.rawValue
}

/// Reports a NULL or otherwise invalid argument.
func reportInvalidArgument(_ message: String, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    report(MisterWebhooksError(.invalidArgument, message), out)
}

/// Sets `*out` to NULL (when `out` is not NULL) and returns MW_OK.
func succeed(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return 0
}

@inline(__always)
func cError(_ pointer: OpaquePointer) -> CError {
    Unmanaged<CError>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
}

@_cdecl("mw_error_code")
public func mw_error_code(_ error: OpaquePointer?) -> Int32 {
    guard let error else { return 1 }
    return cError(error).code
}

@_cdecl("mw_error_message")
public func mw_error_message(_ error: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let error else { return nil }
    return UnsafePointer(cError(error).message)
}

@_cdecl("mw_error_topic")
public func mw_error_topic(_ error: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let error, let topic = cError(error).topic else { return nil }
    return UnsafePointer(topic)
}

@_cdecl("mw_error_partition")
public func mw_error_partition(_ error: OpaquePointer?) -> Int32 {
    guard let error else { return -1 }
    return cError(error).partition
}

@_cdecl("mw_error_offset")
public func mw_error_offset(_ error: OpaquePointer?) -> Int64 {
    guard let error else { return -1 }
    return cError(error).offset
}

@_cdecl("mw_error_free")
public func mw_error_free(_ error: OpaquePointer?) {
    guard let error else { return }
    Unmanaged<CError>.fromOpaque(UnsafeRawPointer(error)).release()
}

private let statusNames: [Int32: StaticString] = [
    0: "MW_OK",
    1: "MW_ERR_INVALID_ARGUMENT",
    2: "MW_ERR_IO",
    3: "MW_ERR_PROFILE",
    4: "MW_ERR_KAFKA",
    5: "MW_ERR_AUTHENTICATION",
    10: "MW_ERR_MALFORMED_MESSAGE",
    11: "MW_ERR_UNSUPPORTED_ENVELOPE",
    12: "MW_ERR_ENVELOPE_DECODE",
    13: "MW_ERR_PAYLOAD_DECODE",
    20: "MW_ERR_HANDLER",
]

@_cdecl("mw_status_name")
public func mw_status_name(_ status: Int32) -> UnsafePointer<CChar> {
    let name: StaticString = statusNames[status] ?? "MW_ERR_UNKNOWN"
    return UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
}
