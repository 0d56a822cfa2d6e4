import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Log severities, numbered as syslog and librdkafka number them.
public struct LogLevel: RawRepresentable, Comparable, Sendable {
    public var rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    public static let error = LogLevel(rawValue: 3)
    public static let warning = LogLevel(rawValue: 4)
    public static let info = LogLevel(rawValue: 6)
    public static let debug = LogLevel(rawValue: 7)

    /// Maps any syslog level (0-7) to one of the four levels above.
    public init(syslog level: Int32) {
        switch level {
        case ...3: self = .error
        case 4: self = .warning
        case 5, 6: self = .info
        default: self = .debug
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    var label: String {
        switch self {
        case .error: return "ERROR"
        case .warning: return "WARNING"
        case .info: return "INFO"
        default: return "DEBUG"
        }
    }
}

/// The process-wide log destination of the library.
///
/// Messages come from librdkafka's threads and from the thread that runs a
/// consumer, so the handler is read under a lock.
public enum Log {
    /// Receives one message; `context` is the caller's `user_data`.
    public typealias Handler = @convention(c) (Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void

    struct Destination: @unchecked Sendable {  // the context pointer belongs to the C caller
        var handler: Handler?
        var context: UnsafeMutableRawPointer?
        var maxLevel: LogLevel
    }

    static let destination = Mutex(Destination(handler: nil, context: nil, maxLevel: .warning))

    /// Sets the handler; nil restores the default (warnings and errors on stderr).
    public static func setHandler(_ handler: Handler?, context: UnsafeMutableRawPointer?, maxLevel: LogLevel) {
        destination.withLock {
            $0 = Destination(handler: handler, context: context, maxLevel: handler == nil ? .warning : maxLevel)
        }
    }

    /// Whether messages of `level` reach the handler, to skip formatting them.
    public static func isEnabled(_ level: LogLevel) -> Bool {
        destination.withLock { level <= $0.maxLevel }
    }

    public static func write(_ level: LogLevel, _ message: @autoclosure () -> String) {
        let current = destination.withLock { $0 }
        guard level <= current.maxLevel else { return }
        let text = message()

        guard let handler = current.handler else {
            fputs("misterwebhooks \(level.label): \(text)\n", stderr)
            return
        }
        text.withCString { handler(level.rawValue, $0, current.context) }
    }

    public static func error(_ message: @autoclosure () -> String) { write(.error, message()) }
    public static func warning(_ message: @autoclosure () -> String) { write(.warning, message()) }
    public static func info(_ message: @autoclosure () -> String) { write(.info, message()) }
    public static func debug(_ message: @autoclosure () -> String) { write(.debug, message()) }
}
