import MisterWebhooksKafka

#if canImport(Glibc)
import Glibc
#endif

/// The object behind `mw_profile *`: the profile and C copies of its fields,
/// which live as long as the object.
final class CProfile {
    let profile: ConnectionProfile
    let consumerName: UnsafeMutablePointer<CChar>
    let authMechanism: UnsafeMutablePointer<CChar>?
    let authSecret: UnsafeMutablePointer<CChar>?
    let kafkaBootstrap: UnsafeMutablePointer<CChar>
    let securityProtocol: UnsafeMutablePointer<CChar>
    let sslCALocation: UnsafeMutablePointer<CChar>?

    init(_ profile: ConnectionProfile) {
        self.profile = profile
        consumerName = strdup(profile.consumerName)
        authMechanism = profile.authMechanism.map { strdup($0) }
        authSecret = profile.authSecret.map { strdup($0) }
        kafkaBootstrap = strdup(profile.kafkaBootstrap)
        securityProtocol = strdup(profile.securityProtocol)
        sslCALocation = profile.sslCALocation.map { strdup($0) }
    }

    deinit {
        free(consumerName)
        free(authMechanism)
        if let authSecret {
            // Clear the secret before the memory is reused.
            memset(authSecret, 0, strlen(authSecret))
            free(authSecret)
        }
        free(kafkaBootstrap)
        free(securityProtocol)
        free(sslCALocation)
    }
}

@inline(__always)
func cProfile(_ pointer: OpaquePointer) -> CProfile {
    Unmanaged<CProfile>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
}

private func returnProfile(_ load: () throws -> ConnectionProfile,
                           _ outProfile: UnsafeMutablePointer<OpaquePointer?>,
                           _ outError: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    outProfile.pointee = nil
    do {
        let profile = CProfile(try load())
        outProfile.pointee = OpaquePointer(Unmanaged.passRetained(profile).toOpaque())
        return succeed(outError)
    } catch let error as MisterWebhooksError {
        return report(error, outError)
    } catch {
        return report(MisterWebhooksError(.profile, "\(error)"), outError)
    }
}

@_cdecl("mw_profile_load")
public func mw_profile_load(_ path: UnsafePointer<CChar>?, _ outProfile: UnsafeMutablePointer<OpaquePointer?>?,
                            _ outError: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let outProfile else {
        return reportInvalidArgument("mw_profile_load: out_profile is NULL; pass the address of an mw_profile pointer", outError)
    }
    guard let path else {
        outProfile.pointee = nil
        return reportInvalidArgument("mw_profile_load: path is NULL; pass the path of the connection profile JSON file", outError)
    }
    return returnProfile({ try ConnectionProfile.load(path: String(cString: path)) }, outProfile, outError)
}

@_cdecl("mw_profile_parse")
public func mw_profile_parse(_ json: UnsafePointer<CChar>?, _ length: Int, _ outProfile: UnsafeMutablePointer<OpaquePointer?>?,
                             _ outError: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let outProfile else {
        return reportInvalidArgument("mw_profile_parse: out_profile is NULL; pass the address of an mw_profile pointer", outError)
    }
    guard let json else {
        outProfile.pointee = nil
        return reportInvalidArgument("mw_profile_parse: json is NULL; pass the profile's JSON text", outError)
    }
    let bytes = Array(UnsafeRawBufferPointer(start: json, count: length))
    return returnProfile({ try ConnectionProfile.parse(bytes) }, outProfile, outError)
}

@_cdecl("mw_profile_consumer_name")
public func mw_profile_consumer_name(_ profile: OpaquePointer?) -> UnsafePointer<CChar>? {
    profile.map { UnsafePointer(cProfile($0).consumerName) }
}

@_cdecl("mw_profile_auth_mechanism")
public func mw_profile_auth_mechanism(_ profile: OpaquePointer?) -> UnsafePointer<CChar>? {
    profile.flatMap { cProfile($0).authMechanism.map { UnsafePointer($0) } }
}

@_cdecl("mw_profile_auth_secret")
public func mw_profile_auth_secret(_ profile: OpaquePointer?) -> UnsafePointer<CChar>? {
    profile.flatMap { cProfile($0).authSecret.map { UnsafePointer($0) } }
}

@_cdecl("mw_profile_kafka_bootstrap")
public func mw_profile_kafka_bootstrap(_ profile: OpaquePointer?) -> UnsafePointer<CChar>? {
    profile.map { UnsafePointer(cProfile($0).kafkaBootstrap) }
}

@_cdecl("mw_profile_security_protocol")
public func mw_profile_security_protocol(_ profile: OpaquePointer?) -> UnsafePointer<CChar>? {
    profile.map { UnsafePointer(cProfile($0).securityProtocol) }
}

@_cdecl("mw_profile_ssl_ca_location")
public func mw_profile_ssl_ca_location(_ profile: OpaquePointer?) -> UnsafePointer<CChar>? {
    profile.flatMap { cProfile($0).sslCALocation.map { UnsafePointer($0) } }
}

@_cdecl("mw_profile_free")
public func mw_profile_free(_ profile: OpaquePointer?) {
    guard let profile else { return }
    Unmanaged<CProfile>.fromOpaque(UnsafeRawPointer(profile)).release()
}
