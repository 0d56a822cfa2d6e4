import MisterWebhooksDecoding
import MisterWebhooksKafka

/// `mw_event_handler`.
public typealias CEventHandler = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32

@inline(__always)
func consumer(_ pointer: OpaquePointer) -> Unmanaged<WebhookConsumer> {
    Unmanaged<WebhookConsumer>.fromOpaque(UnsafeRawPointer(pointer))
}

@_cdecl("mw_consumer_new")
public func mw_consumer_new(_ topic: UnsafePointer<CChar>?, _ profile: OpaquePointer?,
                            _ outConsumer: UnsafeMutablePointer<OpaquePointer?>?,
                            _ outError: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let outConsumer else {
        return reportInvalidArgument("mw_consumer_new: out_consumer is NULL; pass the address of an mw_consumer pointer", outError)
    }
    outConsumer.pointee = nil
    guard let topic else {
        return reportInvalidArgument("mw_consumer_new: topic is NULL; pass the topic name", outError)
    }
    guard let profile else {
        return reportInvalidArgument("mw_consumer_new: profile is NULL; load one with mw_profile_load", outError)
    }

    do {
        let created = try WebhookConsumer(topic: String(cString: topic), profile: cProfile(profile).profile)
        outConsumer.pointee = OpaquePointer(Unmanaged.passRetained(created).toOpaque())
        return succeed(outError)
    } catch let error as MisterWebhooksError {
        return report(error, outError)
    } catch {
        return report(MisterWebhooksError(.kafka, "\(error)"), outError)
    }
}

@_cdecl("mw_consumer_set_option")
public func mw_consumer_set_option(_ pointer: OpaquePointer?, _ key: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?,
                                   _ outError: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let pointer, let key, let value else {
        return reportInvalidArgument("mw_consumer_set_option: consumer, key and value must not be NULL", outError)
    }
    do {
        try consumer(pointer).takeUnretainedValue().setOption(String(cString: key), String(cString: value))
        return succeed(outError)
    } catch let error as MisterWebhooksError {
        return report(error, outError)
    } catch {
        return report(MisterWebhooksError(.kafka, "\(error)"), outError)
    }
}

@_cdecl("mw_consumer_run")
public func mw_consumer_run(_ pointer: OpaquePointer?, _ handler: CEventHandler?, _ userData: UnsafeMutableRawPointer?,
                            _ outError: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let pointer else {
        return reportInvalidArgument("mw_consumer_run: consumer is NULL; create one with mw_consumer_new", outError)
    }
    guard let handler else {
        return reportInvalidArgument("mw_consumer_run: handler is NULL; pass a function that receives each event", outError)
    }

    do {
        try consumer(pointer).takeUnretainedValue().run { event in
            handler(OpaquePointer(Unmanaged.passUnretained(event).toOpaque()), userData)
        }
        return succeed(outError)
    } catch let error as MisterWebhooksError {
        return report(error, outError)
    } catch {
        return report(MisterWebhooksError(.kafka, "\(error)"), outError)
    }
}

@_cdecl("mw_consumer_stop")
public func mw_consumer_stop(_ pointer: OpaquePointer?) {
    guard let pointer else { return }
    // No retain or release: this may run in a signal handler.
    consumer(pointer)._withUnsafeGuaranteedRef { $0.stop() }
}

@_cdecl("mw_consumer_free")
public func mw_consumer_free(_ pointer: OpaquePointer?) {
    guard let pointer else { return }
    let handle = consumer(pointer)
    // A running mw_consumer_run holds its own reference, so the object lives
    // until that run, stopped here, has committed and returned.
    handle._withUnsafeGuaranteedRef { consumer in
        if consumer.isRunning {
            consumer.stop()
        }
    }
    handle.release()
}

@_cdecl("mw_set_log_handler")
public func mw_set_log_handler(_ handler: Log.Handler?, _ userData: UnsafeMutableRawPointer?, _ maxLevel: Int32) {
    Log.setHandler(handler, context: userData, maxLevel: LogLevel(rawValue: maxLevel))
}
