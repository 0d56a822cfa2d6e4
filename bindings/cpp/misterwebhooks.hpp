// misterwebhooks.hpp - C++17 binding of libmisterwebhooks, header only.
//
// Wraps the C interface of misterwebhooks.h in RAII owners and exceptions:
//
//   misterwebhooks::Profile   a connection profile (mw_profile)
//   misterwebhooks::Consumer  a consumer of one topic (mw_consumer)
//   misterwebhooks::EventView an event borrowed from the library (const mw_event *)
//   misterwebhooks::Event     an event owned by the caller (mw_event *)
//   misterwebhooks::Error     the root of every exception thrown here
//
// Owners are move-only and free their handle in the destructor. Every
// function that can fail throws a subclass of Error that carries the
// library's mw_status, its message and, for errors about a Kafka record, the
// record's topic, partition and offset. Text and bytes are returned as
// std::string_view built from the library's explicit lengths, so values that
// contain NUL bytes keep them. A view lives as long as the object it came from.
//
// Link with -lmisterwebhooks.
#ifndef MISTERWEBHOOKS_HPP
#define MISTERWEBHOOKS_HPP

#include <misterwebhooks.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace misterwebhooks {

// MARK: - Errors

/// Topic, partition and offset of the Kafka record an error is about. The
/// topic is empty, and partition and offset are -1, for a record passed to
/// decode(), whose place in Kafka the library does not know.
struct RecordCoordinates {
    std::string topic;
    std::int32_t partition = -1;
    std::int64_t offset = -1;
};

/// Base class of every exception thrown by this binding.
class Error : public std::runtime_error {
public:
    Error(mw_status status, const std::string &message, std::optional<RecordCoordinates> record = std::nullopt)
        : std::runtime_error(message), status_(status), record_(std::move(record)) {}

    /// Returns the library's status code, never MW_OK.
    mw_status status() const noexcept { return status_; }

    /// Returns the status code's name, such as "MW_ERR_KAFKA".
    const char *status_name() const noexcept { return mw_status_name(status_); }

    /// Returns the record the error is about, or std::nullopt for other errors.
    const std::optional<RecordCoordinates> &record() const noexcept { return record_; }

private:
    mw_status status_;
    std::optional<RecordCoordinates> record_;
};

/// A NULL or out-of-range argument, or a call the object's state does not
/// allow (MW_ERR_INVALID_ARGUMENT).
class InvalidArgumentError : public Error {
    using Error::Error;
};

/// A file could not be opened or read (MW_ERR_IO).
class IoError : public Error {
    using Error::Error;
};

/// The connection profile is invalid, and the message names the field (MW_ERR_PROFILE).
class ProfileError : public Error {
    using Error::Error;
};

/// Kafka failed: an invalid option, unreachable brokers, a missing topic, a
/// fatal client error or a failed final commit (MW_ERR_KAFKA).
class KafkaError : public Error {
    using Error::Error;
};

/// The brokers rejected the profile's credentials (MW_ERR_AUTHENTICATION).
class AuthenticationError : public Error {
    using Error::Error;
};

/// Base class of the errors about one record that cannot be decoded. record()
/// is always set.
class RecordError : public Error {
    using Error::Error;
};

/// The record's first `envelope` header is missing, null or not one byte
/// long (MW_ERR_MALFORMED_MESSAGE).
class MalformedMessageError : public RecordError {
    using RecordError::RecordError;
};

/// The record's envelope is 0x81-0xFF, newer than this library
/// (MW_ERR_UNSUPPORTED_ENVELOPE).
class UnsupportedEnvelopeError : public RecordError {
    using RecordError::RecordError;
};

/// The record value is not a valid Avro KafkaMessageEnvelopeV1 (MW_ERR_ENVELOPE_DECODE).
class EnvelopeDecodeError : public RecordError {
    using RecordError::RecordError;
};

/// The webhook payload is not valid JSON or CBOR (MW_ERR_PAYLOAD_DECODE).
class PayloadDecodeError : public RecordError {
    using RecordError::RecordError;
};

/// The handler passed to Consumer::run() returned false for the record in
/// record(), so its offset was not committed (MW_ERR_HANDLER). A handler that
/// throws makes run() rethrow that exception instead.
class HandlerError : public Error {
    using Error::Error;
};

namespace detail {

/// Converts a failed status and its mw_error, which it frees, into the
/// matching exception.
[[noreturn]] inline void throw_error(mw_status status, mw_error *error) {
    std::unique_ptr<mw_error, decltype(&mw_error_free)> owned(error, &mw_error_free);

    const char *message = mw_error_message(error);
    std::string text = message != nullptr ? message : std::string(mw_status_name(status)) + " (the library returned no message)";
    std::optional<RecordCoordinates> record;
    if (const char *topic = mw_error_topic(error)) {
        record = RecordCoordinates{topic, mw_error_partition(error), mw_error_offset(error)};
    }
    owned.reset();

    switch (status) {
    case MW_ERR_INVALID_ARGUMENT: throw InvalidArgumentError(status, text, std::move(record));
    case MW_ERR_IO: throw IoError(status, text, std::move(record));
    case MW_ERR_PROFILE: throw ProfileError(status, text, std::move(record));
    case MW_ERR_KAFKA: throw KafkaError(status, text, std::move(record));
    case MW_ERR_AUTHENTICATION: throw AuthenticationError(status, text, std::move(record));
    case MW_ERR_MALFORMED_MESSAGE: throw MalformedMessageError(status, text, std::move(record));
    case MW_ERR_UNSUPPORTED_ENVELOPE: throw UnsupportedEnvelopeError(status, text, std::move(record));
    case MW_ERR_ENVELOPE_DECODE: throw EnvelopeDecodeError(status, text, std::move(record));
    case MW_ERR_PAYLOAD_DECODE: throw PayloadDecodeError(status, text, std::move(record));
    case MW_ERR_HANDLER: throw HandlerError(status, text, std::move(record));
    case MW_OK: break;
    }
    throw Error(status, text, std::move(record));
}

/// Throws the exception for `status` unless it is MW_OK. Call it only after
/// the call that sets `error` has returned: `check(mw_f(..., &error), error)`
/// would read `error` before mw_f sets it, because C++ leaves the order in
/// which arguments are evaluated unspecified.
inline void check(mw_status status, mw_error *error) {
    if (status != MW_OK) {
        throw_error(status, error);
    }
}

inline std::string_view view(const void *data, std::size_t length) noexcept {
    return data != nullptr ? std::string_view(static_cast<const char *>(data), length) : std::string_view();
}

inline std::string_view view(const char *text) noexcept {
    return text != nullptr ? std::string_view(text) : std::string_view();
}

inline std::optional<std::string_view> optional_view(const char *text) noexcept {
    return text != nullptr ? std::optional<std::string_view>(text) : std::nullopt;
}

/// Deletes a handle with its C `_free` function.
template <typename T, void (*Free)(T *)>
struct Deleter {
    void operator()(T *handle) const noexcept { Free(handle); }
};

} // namespace detail

// MARK: - Events

/// HTTP method of a webhook request.
enum class HttpMethod { get = MW_METHOD_GET, head = MW_METHOD_HEAD, post = MW_METHOD_POST,
                        put = MW_METHOD_PUT, delete_ = MW_METHOD_DELETE, patch = MW_METHOD_PATCH };

/// Encoding of a webhook payload as received.
enum class PayloadEncoding { json = MW_ENCODING_JSON, cbor = MW_ENCODING_CBOR };

/// Returns the method's name, "GET" to "PATCH".
inline std::string_view to_string(HttpMethod method) noexcept {
    return detail::view(mw_http_method_name(static_cast<mw_http_method>(method)));
}

/// Returns "JSON" or "CBOR".
inline std::string_view to_string(PayloadEncoding encoding) noexcept {
    return detail::view(mw_payload_encoding_name(static_cast<mw_payload_encoding>(encoding)));
}

/// One HTTP header entry: a name and its values, in request order.
struct Header {
    std::string_view name;
    std::vector<std::string_view> values;
};

class Event;

/// Read-only view of a webhook event that someone else owns: the handler's
/// argument in Consumer::run(), or an Event. It is valid only as long as that
/// owner, so a handler that keeps an event must call copy(). Every
/// std::string_view it returns lives as long as the event.
class EventView {
public:
    explicit EventView(const mw_event *event) noexcept : event_(event) {}

    HttpMethod method() const noexcept { return static_cast<HttpMethod>(mw_event_method(event_)); }
    PayloadEncoding encoding() const noexcept { return static_cast<PayloadEncoding>(mw_event_encoding(event_)); }

    /// Returns the Kafka record timestamp in milliseconds since the Unix epoch.
    std::int64_t timestamp_ms() const noexcept { return mw_event_timestamp_ms(event_); }

    /// Returns the number of header entries. A name sent in several entries appears in each.
    std::size_t header_count() const noexcept { return mw_event_header_count(event_); }

    /// Returns the name of header entry `index`, or an empty view when out of range.
    std::string_view header_name(std::size_t index) const noexcept {
        std::size_t length = 0;
        const char *name = mw_event_header_name(event_, index, &length);
        return detail::view(name, length);
    }

    /// Returns the number of values of header entry `index`, 0 when out of range.
    std::size_t header_value_count(std::size_t index) const noexcept {
        return mw_event_header_value_count(event_, index);
    }

    /// Returns value `value_index` of header entry `index`, or an empty view when out of range.
    std::string_view header_value(std::size_t index, std::size_t value_index) const noexcept {
        std::size_t length = 0;
        const char *value = mw_event_header_value(event_, index, value_index, &length);
        return detail::view(value, length);
    }

    /// Returns every header entry in request order.
    std::vector<Header> headers() const {
        std::vector<Header> entries(header_count());
        for (std::size_t index = 0; index < entries.size(); index++) {
            entries[index].name = header_name(index);
            std::size_t value_count = header_value_count(index);
            for (std::size_t value_index = 0; value_index < value_count; value_index++) {
                entries[index].values.push_back(header_value(index, value_index));
            }
        }
        return entries;
    }

    /// Returns the values of the first header entry named `name`, compared
    /// ASCII-case-insensitively as HTTP does, or std::nullopt when none is.
    std::optional<std::vector<std::string_view>> header(std::string_view name) const {
        std::size_t count = header_count();
        for (std::size_t index = 0; index < count; index++) {
            if (equal_ignoring_ascii_case(header_name(index), name)) {
                std::vector<std::string_view> values;
                std::size_t value_count = header_value_count(index);
                for (std::size_t value_index = 0; value_index < value_count; value_index++) {
                    values.push_back(header_value(index, value_index));
                }
                return values;
            }
        }
        return std::nullopt;
    }

    /// Returns the header entries as one line of JSON, `[["name", ["value", ...]], ...]`.
    std::string headers_json() const {
        std::size_t length = mw_event_headers_json(event_, nullptr, 0);
        std::string text(length, '\0');
        mw_event_headers_json(event_, text.data(), length + 1); // the last byte is std::string's own NUL
        return text;
    }

    /// Returns the payload as JSON text, converted to JSON for a CBOR payload.
    std::string_view payload_json() const noexcept {
        std::size_t length = 0;
        const char *payload = mw_event_payload_json(event_, &length);
        return detail::view(payload, length);
    }

    /// Returns the payload bytes as received, JSON text or CBOR.
    std::string_view payload_raw() const noexcept {
        std::size_t length = 0;
        const void *payload = mw_event_payload_raw(event_, &length);
        return detail::view(payload, length);
    }

    /// Returns the Kafka topic of the record, empty for a decoded one.
    std::string_view topic() const noexcept { return detail::view(mw_event_topic(event_)); }

    /// Returns the Kafka partition of the record, -1 for a decoded one.
    std::int32_t partition() const noexcept { return mw_event_partition(event_); }

    /// Returns the Kafka offset of the record, -1 for a decoded one.
    std::int64_t offset() const noexcept { return mw_event_offset(event_); }

    /// Returns the Kafka record key, or std::nullopt for a null key.
    std::optional<std::string_view> key() const noexcept {
        std::size_t length = 0;
        const void *key = mw_event_key(event_, &length);
        return key != nullptr ? std::optional<std::string_view>(detail::view(key, length)) : std::nullopt;
    }

    /// Copies the event into an Event that the caller owns.
    inline Event copy() const;

    /// Returns the C handle, borrowed.
    const mw_event *native_handle() const noexcept { return event_; }

private:
    static bool equal_ignoring_ascii_case(std::string_view left, std::string_view right) noexcept {
        if (left.size() != right.size()) {
            return false;
        }
        for (std::size_t index = 0; index < left.size(); index++) {
            char a = left[index];
            char b = right[index];
            if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
            if (a != b) {
                return false;
            }
        }
        return true;
    }

    const mw_event *event_;
};

/// A webhook event owned by the caller: a copy made with EventView::copy(),
/// or the result of decode(). Move-only, and the destructor frees it. Immutable,
/// so several threads may read one Event at once.
class Event {
public:
    /// Takes ownership of `event`, which must come from mw_event_decode() or
    /// mw_event_copy() and must not be NULL.
    explicit Event(mw_event *event) noexcept : event_(event) {}

    /// A view of this event, valid while this Event lives and is not moved from.
    EventView view() const noexcept { return EventView(event_.get()); }

    // The accessors of EventView, for convenience.
    HttpMethod method() const noexcept { return view().method(); }
    PayloadEncoding encoding() const noexcept { return view().encoding(); }
    std::int64_t timestamp_ms() const noexcept { return view().timestamp_ms(); }
    std::size_t header_count() const noexcept { return view().header_count(); }
    std::string_view header_name(std::size_t index) const noexcept { return view().header_name(index); }
    std::size_t header_value_count(std::size_t index) const noexcept { return view().header_value_count(index); }
    std::string_view header_value(std::size_t index, std::size_t value_index) const noexcept {
        return view().header_value(index, value_index);
    }
    std::vector<Header> headers() const { return view().headers(); }
    std::optional<std::vector<std::string_view>> header(std::string_view name) const { return view().header(name); }
    std::string headers_json() const { return view().headers_json(); }
    std::string_view payload_json() const noexcept { return view().payload_json(); }
    std::string_view payload_raw() const noexcept { return view().payload_raw(); }
    std::string_view topic() const noexcept { return view().topic(); }
    std::int32_t partition() const noexcept { return view().partition(); }
    std::int64_t offset() const noexcept { return view().offset(); }
    std::optional<std::string_view> key() const noexcept { return view().key(); }

    /// Returns the C handle, still owned by this Event.
    const mw_event *native_handle() const noexcept { return event_.get(); }

private:
    std::unique_ptr<mw_event, detail::Deleter<mw_event, mw_event_free>> event_;
};

inline Event EventView::copy() const {
    mw_event *copied = mw_event_copy(event_);
    if (copied == nullptr) {
        throw std::bad_alloc();
    }
    return Event(copied);
}

/// Decodes one Kafka record, for applications that run their own Kafka client.
///
/// `envelope` is the value of the record's first header named `envelope`
/// (std::nullopt when there is none or its value is null), `value` the record
/// value (std::nullopt for a null value). Returns std::nullopt for a system
/// record, which applications skip. Throws a RecordError subclass for a
/// record that cannot be decoded. The event's topic is empty, its partition
/// and offset -1.
inline std::optional<Event> decode(std::optional<std::string_view> envelope, std::optional<std::string_view> value,
                                   std::int64_t timestamp_ms) {
    mw_event *event = nullptr;
    mw_error *error = nullptr;
    mw_status status = mw_event_decode(envelope ? envelope->data() : nullptr, envelope ? envelope->size() : 0,
                                       value ? value->data() : nullptr, value ? value->size() : 0,
                                       timestamp_ms, &event, &error);
    detail::check(status, error);
    if (event == nullptr) {
        return std::nullopt;
    }
    return Event(event);
}

// MARK: - Connection profiles

/// A connection profile: consumer name, credentials and bootstrap servers.
/// Move-only and immutable, so several threads may read one at once.
class Profile {
public:
    /// Loads the profile JSON file at `path`. Throws IoError or ProfileError.
    static Profile load(const std::string &path) {
        mw_profile *profile = nullptr;
        mw_error *error = nullptr;
        mw_status status = mw_profile_load(path.c_str(), &profile, &error);
        detail::check(status, error);
        return Profile(profile);
    }

    /// Parses a profile from JSON text. Throws ProfileError.
    static Profile parse(std::string_view json) {
        mw_profile *profile = nullptr;
        mw_error *error = nullptr;
        mw_status status = mw_profile_parse(json.data(), json.size(), &profile, &error);
        detail::check(status, error);
        return Profile(profile);
    }

    /// Returns the consumer name, which is also the Kafka consumer group.
    std::string_view consumer_name() const noexcept { return detail::view(mw_profile_consumer_name(profile_.get())); }

    /// Returns the SASL mechanism, or std::nullopt when the profile has no auth.
    std::optional<std::string_view> auth_mechanism() const noexcept {
        return detail::optional_view(mw_profile_auth_mechanism(profile_.get()));
    }

    /// Returns the SASL secret, or std::nullopt when the profile has no auth.
    std::optional<std::string_view> auth_secret() const noexcept {
        return detail::optional_view(mw_profile_auth_secret(profile_.get()));
    }

    /// Returns the bootstrap servers, comma-separated.
    std::string_view kafka_bootstrap() const noexcept { return detail::view(mw_profile_kafka_bootstrap(profile_.get())); }

    /// Returns the security protocol: "SASL_SSL", "SASL_PLAINTEXT", "SSL" or "PLAINTEXT".
    std::string_view security_protocol() const noexcept {
        return detail::view(mw_profile_security_protocol(profile_.get()));
    }

    /// Returns the CA file from `kafka.ssl_ca_location`, or std::nullopt when unset.
    std::optional<std::string_view> ssl_ca_location() const noexcept {
        return detail::optional_view(mw_profile_ssl_ca_location(profile_.get()));
    }

    /// Returns the C handle, still owned by this Profile.
    const mw_profile *native_handle() const noexcept { return profile_.get(); }

private:
    explicit Profile(mw_profile *profile) noexcept : profile_(profile) {}

    std::unique_ptr<mw_profile, detail::Deleter<mw_profile, mw_profile_free>> profile_;
};

// MARK: - Consumer

/// A Kafka consumer of one Mister Webhooks topic in the consumer group named
/// by its profile. Move-only, and the destructor frees it.
///
/// stop() may be called from any thread, from the handler and from a signal
/// handler. No other member may be called while run() runs on another thread.
class Consumer {
public:
    /// Creates a consumer of `topic`; the profile is copied. Nothing connects
    /// before run(). Throws InvalidArgumentError or KafkaError.
    Consumer(const std::string &topic, const Profile &profile) {
        mw_consumer *consumer = nullptr;
        mw_error *error = nullptr;
        mw_status status = mw_consumer_new(topic.c_str(), profile.native_handle(), &consumer, &error);
        detail::check(status, error);
        consumer_.reset(consumer);
    }

    /// Sets a librdkafka property or an "mw." option (see
    /// mw_consumer_set_option()) before run(). Throws InvalidArgumentError or
    /// KafkaError.
    void set_option(const std::string &key, const std::string &value) {
        mw_error *error = nullptr;
        mw_status status = mw_consumer_set_option(consumer_.get(), key.c_str(), value.c_str(), &error);
        detail::check(status, error);
    }

    /// Consumes the topic on the calling thread, calling `handler` with an
    /// EventView for each webhook event, until stop() is called or a failure.
    ///
    /// `handler` is any callable taking an EventView (or `const EventView &`)
    /// and returning void or bool. Returning (void or true) accepts the
    /// event, so its offset is committed. Returning false stops the run
    /// without committing that record, and run() throws HandlerError with the
    /// record's coordinates. An exception thrown by `handler` also stops the
    /// run without committing that record, and run() rethrows that same
    /// exception once the library has left the consumer group. Undecodable
    /// records and Kafka failures throw the matching Error subclass.
    template <typename Handler>
    void run(Handler &&handler) {
        using HandlerType = std::remove_reference_t<Handler>;
        static_assert(std::is_invocable_v<HandlerType &, EventView>,
                      "the handler must be callable with a misterwebhooks::EventView");

        RunContext<HandlerType> context{&handler, nullptr};
        mw_error *error = nullptr;
        mw_status status = mw_consumer_run(consumer_.get(), &call_handler<HandlerType>, &context, &error);

        if (context.exception) {
            mw_error_free(error);
            std::rethrow_exception(context.exception);
        }
        detail::check(status, error);
    }

    /// Asks run() to return after the current event. Safe from any thread,
    /// from the handler and from a signal handler.
    void stop() noexcept { mw_consumer_stop(consumer_.get()); }

    /// Returns the C handle, still owned by this Consumer. Pass it to
    /// mw_consumer_stop() from a signal handler.
    mw_consumer *native_handle() const noexcept { return consumer_.get(); }

private:
    template <typename HandlerType>
    struct RunContext {
        HandlerType *handler;
        std::exception_ptr exception;
    };

    // Runs on the library's stack frames: no exception may leave it.
    template <typename HandlerType>
    static int call_handler(const mw_event *event, void *user_data) noexcept {
        auto *context = static_cast<RunContext<HandlerType> *>(user_data);
        try {
            EventView view(event);
            using Result = std::invoke_result_t<HandlerType &, EventView>;
            if constexpr (std::is_void_v<Result>) {
                std::invoke(*context->handler, view);
                return 0;
            } else {
                static_assert(std::is_convertible_v<Result, bool>, "the handler must return void or bool");
                return static_cast<bool>(std::invoke(*context->handler, view)) ? 0 : 1;
            }
        } catch (...) {
            context->exception = std::current_exception();
            return 1;
        }
    }

    std::unique_ptr<mw_consumer, detail::Deleter<mw_consumer, mw_consumer_free>> consumer_;
};

// MARK: - Logging and version

/// Severity of a log message, with syslog's numbers.
enum class LogLevel { error = MW_LOG_ERROR, warning = MW_LOG_WARNING, info = MW_LOG_INFO, debug = MW_LOG_DEBUG };

/// Receives library log messages. Called from librdkafka's threads as well as
/// the thread running Consumer::run(), possibly at once, so it must be
/// thread-safe, and it must not call into this library.
using LogHandler = std::function<void(LogLevel, std::string_view)>;

namespace detail {

inline LogHandler &log_handler_slot() {
    static LogHandler handler;
    return handler;
}

inline void call_log_handler(mw_log_level level, const char *message, void *) noexcept {
    try {
        log_handler_slot()(static_cast<LogLevel>(level), view(message));
    } catch (...) {
        // A log handler has nowhere to report its own failure; drop the message.
    }
}

} // namespace detail

/// Sets the process-wide log handler and the most verbose level it receives.
/// An empty handler restores the default, which writes warnings and errors
/// to stderr.
///
/// NOTE: replacing the handler while a consumer runs can race with a message
/// being delivered on a librdkafka thread, so set it once before creating
/// consumers.
inline void set_log_handler(LogHandler handler, LogLevel max_level = LogLevel::info) {
    if (!handler) {
        mw_set_log_handler(nullptr, nullptr, static_cast<mw_log_level>(max_level));
        detail::log_handler_slot() = nullptr;
        return;
    }
    detail::log_handler_slot() = std::move(handler);
    mw_set_log_handler(&detail::call_log_handler, nullptr, static_cast<mw_log_level>(max_level));
}

/// Returns the library's version, "MAJOR.MINOR.PATCH".
inline std::string_view library_version() noexcept { return detail::view(mw_version()); }

} // namespace misterwebhooks

#endif // MISTERWEBHOOKS_HPP
