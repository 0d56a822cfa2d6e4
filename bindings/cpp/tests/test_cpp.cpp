// test_cpp.cpp - tests of the C++ binding against the real library and a
// running dev-broker.
//
//     test_cpp BOOTSTRAP TOPIC SAMPLES_DIR
//
// BOOTSTRAP is the address printed by `mister-webhooks dev-broker`, whose
// topic TOPIC was seeded with the *.json files of SAMPLES_DIR. The decoding
// test vectors are read from $MW_SHARED_DIR/vectors; that part is skipped,
// with a message, when they are missing. Ends with "N passed, M failed".
#include "misterwebhooks.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace mw = misterwebhooks;

static std::atomic<int> warnings_logged{0};
static int passed_checks = 0;
static int failed_checks = 0;

static bool check(bool condition, const char *expression, const char *file, int line) {
    if (condition) {
        passed_checks++;
    } else {
        failed_checks++;
        std::printf("FAIL %s:%d: %s\n", file, line, expression);
    }
    return condition;
}

#define CHECK(condition) check(static_cast<bool>(condition), #condition, __FILE__, __LINE__)

// MARK: - A small strict JSON parser, for the vectors and the samples

// A parsed JSON value. Integers keep their exact decimal text, strings their
// UTF-8 bytes. Lone surrogate escapes become their 3-byte generalized UTF-8
// form, so two texts with the same escapes compare equal.
struct Json {
    enum Kind { null, boolean, integer, floating, string, array, object } kind = null;
    bool truth = false;
    std::string text;
    double number = 0;
    std::vector<Json> items;
    std::vector<std::pair<std::string, Json>> members;

    const Json *member(std::string_view name) const {
        for (const auto &entry : members) {
            if (entry.first == name) {
                return &entry.second;
            }
        }
        return nullptr;
    }
};

class JsonParser {
public:
    explicit JsonParser(std::string_view text) : text_(text) {}

    Json parse_document() {
        Json value = parse_value();
        skip_whitespace();
        if (position_ != text_.size()) {
            fail("trailing characters");
        }
        return value;
    }

private:
    [[noreturn]] void fail(const std::string &reason) const {
        throw std::runtime_error("invalid JSON at byte " + std::to_string(position_) + ": " + reason);
    }

    void skip_whitespace() {
        while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\t' ||
                                             text_[position_] == '\n' || text_[position_] == '\r')) {
            position_++;
        }
    }

    bool consume(std::string_view literal) {
        if (text_.substr(position_, literal.size()) == literal) {
            position_ += literal.size();
            return true;
        }
        return false;
    }

    Json parse_value() {
        skip_whitespace();
        if (position_ >= text_.size()) {
            fail("unexpected end");
        }
        Json value;
        char first = text_[position_];
        if (consume("null")) {
            value.kind = Json::null;
        } else if (consume("true")) {
            value.kind = Json::boolean;
            value.truth = true;
        } else if (consume("false")) {
            value.kind = Json::boolean;
        } else if (first == '"') {
            value.kind = Json::string;
            value.text = parse_string();
        } else if (first == '[') {
            value = parse_array();
        } else if (first == '{') {
            value = parse_object();
        } else if (first == '-' || (first >= '0' && first <= '9')) {
            value = parse_number();
        } else {
            fail(std::string("unexpected character '") + first + "'");
        }
        return value;
    }

    Json parse_array() {
        Json value;
        value.kind = Json::array;
        position_++;
        skip_whitespace();
        if (consume("]")) {
            return value;
        }
        while (true) {
            value.items.push_back(parse_value());
            skip_whitespace();
            if (consume("]")) {
                return value;
            }
            if (!consume(",")) {
                fail("expected ',' or ']'");
            }
        }
    }

    // A repeated key keeps its last value, as Python's json module does.
    Json parse_object() {
        Json value;
        value.kind = Json::object;
        position_++;
        skip_whitespace();
        if (consume("}")) {
            return value;
        }
        while (true) {
            skip_whitespace();
            if (position_ >= text_.size() || text_[position_] != '"') {
                fail("expected a string key");
            }
            std::string key = parse_string();
            skip_whitespace();
            if (!consume(":")) {
                fail("expected ':'");
            }
            Json member = parse_value();
            auto existing = std::find_if(value.members.begin(), value.members.end(),
                                         [&](const auto &entry) { return entry.first == key; });
            if (existing != value.members.end()) {
                existing->second = std::move(member);
            } else {
                value.members.emplace_back(std::move(key), std::move(member));
            }
            skip_whitespace();
            if (consume("}")) {
                return value;
            }
            if (!consume(",")) {
                fail("expected ',' or '}'");
            }
        }
    }

    Json parse_number() {
        std::size_t start = position_;
        bool is_integer = true;
        consume("-");
        if (consume("0")) {
        } else if (!digits()) {
            fail("expected a digit");
        }
        if (consume(".")) {
            is_integer = false;
            if (!digits()) {
                fail("expected a digit after '.'");
            }
        }
        if (position_ < text_.size() && (text_[position_] == 'e' || text_[position_] == 'E')) {
            is_integer = false;
            position_++;
            if (!consume("+")) {
                consume("-");
            }
            if (!digits()) {
                fail("expected an exponent");
            }
        }

        Json value;
        std::string literal(text_.substr(start, position_ - start));
        value.number = std::strtod(literal.c_str(), nullptr);
        if (is_integer) {
            value.kind = Json::integer;
            value.text = literal == "-0" ? "0" : literal;
        } else {
            value.kind = Json::floating;
        }
        return value;
    }

    bool digits() {
        std::size_t start = position_;
        while (position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9') {
            position_++;
        }
        return position_ > start;
    }

    unsigned hex4() {
        if (position_ + 4 > text_.size()) {
            fail("short \\u escape");
        }
        unsigned code = 0;
        for (int index = 0; index < 4; index++) {
            char digit = text_[position_++];
            code <<= 4;
            if (digit >= '0' && digit <= '9') code |= static_cast<unsigned>(digit - '0');
            else if (digit >= 'a' && digit <= 'f') code |= static_cast<unsigned>(digit - 'a' + 10);
            else if (digit >= 'A' && digit <= 'F') code |= static_cast<unsigned>(digit - 'A' + 10);
            else fail("invalid \\u escape");
        }
        return code;
    }

    static void append_utf8(std::string &out, unsigned code) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
    }

    std::string parse_string() {
        std::string out;
        position_++;
        while (true) {
            if (position_ >= text_.size()) {
                fail("unterminated string");
            }
            unsigned char byte = static_cast<unsigned char>(text_[position_++]);
            if (byte == '"') {
                return out;
            }
            if (byte < 0x20) {
                fail("control character in string");
            }
            if (byte != '\\') {
                out += static_cast<char>(byte);
                continue;
            }
            if (position_ >= text_.size()) {
                fail("unterminated escape");
            }
            char escape = text_[position_++];
            switch (escape) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned code = hex4();
                if (code >= 0xD800 && code < 0xDC00 && text_.substr(position_, 2) == "\\u") {
                    std::size_t saved = position_;
                    position_ += 2;
                    unsigned low = hex4();
                    if (low >= 0xDC00 && low < 0xE000) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    } else {
                        position_ = saved;
                    }
                }
                append_utf8(out, code);
                break;
            }
            default: fail(std::string("invalid escape \\") + escape);
            }
        }
    }

    std::string_view text_;
    std::size_t position_ = 0;
};

static Json parse_json(std::string_view text) { return JsonParser(text).parse_document(); }

// Compares JSON values as the vectors' checker does: integers exactly,
// an integer and a float as doubles, booleans only with booleans, objects
// by key regardless of order.
static bool same_json(const Json &a, const Json &b) {
    bool a_number = a.kind == Json::integer || a.kind == Json::floating;
    bool b_number = b.kind == Json::integer || b.kind == Json::floating;
    if (a_number && b_number) {
        if (a.kind == Json::integer && b.kind == Json::integer) {
            return a.text == b.text;
        }
        return a.number == b.number;
    }
    if (a.kind != b.kind) {
        return false;
    }
    switch (a.kind) {
    case Json::null: return true;
    case Json::boolean: return a.truth == b.truth;
    case Json::string: return a.text == b.text;
    case Json::array:
        if (a.items.size() != b.items.size()) {
            return false;
        }
        for (std::size_t index = 0; index < a.items.size(); index++) {
            if (!same_json(a.items[index], b.items[index])) {
                return false;
            }
        }
        return true;
    case Json::object:
        if (a.members.size() != b.members.size()) {
            return false;
        }
        for (const auto &entry : a.members) {
            const Json *other = b.member(entry.first);
            if (other == nullptr || !same_json(entry.second, *other)) {
                return false;
            }
        }
        return true;
    default: return false;
    }
}

// MARK: - Helpers

static std::string read_file(const std::string &path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw std::runtime_error("cannot read " + path);
    }
    std::ostringstream content;
    content << file.rdbuf();
    return content.str();
}

static std::string decode_hex(std::string_view hex) {
    std::string bytes;
    for (std::size_t index = 0; index + 1 < hex.size(); index += 2) {
        bytes += static_cast<char>(std::stoi(std::string(hex.substr(index, 2)), nullptr, 16));
    }
    return bytes;
}

static std::string decode_base64(std::string_view text) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string bytes;
    unsigned buffer = 0;
    int bits = 0;
    for (char character : text) {
        if (character == '=') {
            break;
        }
        std::size_t digit = alphabet.find(character);
        if (digit == std::string::npos) {
            throw std::runtime_error("invalid base64");
        }
        buffer = (buffer << 6) | static_cast<unsigned>(digit);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return bytes;
}

static std::string unique_group(const std::string &name) {
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return "cpp-" + name + "-" + std::to_string(getpid()) + "-" + std::to_string(now % 1000000007);
}

static std::string profile_json(const std::string &group, const std::string &bootstrap) {
    return R"({"consumer_name": ")" + group + R"(", "kafka": {"bootstrap": ")" + bootstrap +
           R"(", "security_protocol": "PLAINTEXT"}})";
}

// Calls Consumer::stop() after a deadline, so that a test that receives too
// few events still ends.
class StopTimer {
public:
    StopTimer(mw::Consumer &consumer, std::chrono::seconds timeout)
        : thread_([this, &consumer, timeout] {
              std::unique_lock<std::mutex> lock(mutex_);
              if (!condition_.wait_for(lock, timeout, [this] { return cancelled_; })) {
                  std::printf("note: stopping a consumer after %lld s\n", static_cast<long long>(timeout.count()));
                  consumer.stop();
              }
          }) {}

    ~StopTimer() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            cancelled_ = true;
        }
        condition_.notify_one();
        thread_.join();
    }

private:
    std::mutex mutex_;
    std::condition_variable condition_;
    bool cancelled_ = false;
    std::thread thread_;
};

constexpr std::chrono::seconds consume_timeout(60);

// MARK: - Decoding vectors

static const char *error_kind(const mw::RecordError &error) {
    if (dynamic_cast<const mw::MalformedMessageError *>(&error)) return "malformed_message";
    if (dynamic_cast<const mw::UnsupportedEnvelopeError *>(&error)) return "unsupported_envelope";
    if (dynamic_cast<const mw::EnvelopeDecodeError *>(&error)) return "envelope_decode";
    if (dynamic_cast<const mw::PayloadDecodeError *>(&error)) return "payload_decode";
    return "unknown";
}

static mw_status status_of_kind(const std::string &kind) {
    if (kind == "malformed_message") return MW_ERR_MALFORMED_MESSAGE;
    if (kind == "unsupported_envelope") return MW_ERR_UNSUPPORTED_ENVELOPE;
    if (kind == "envelope_decode") return MW_ERR_ENVELOPE_DECODE;
    return MW_ERR_PAYLOAD_DECODE;
}

// Returns "" when the vector's record decodes as expected, or the problem.
static std::string check_vector(const Json &vector, const std::string &vectors_dir) {
    std::optional<std::string> envelope;
    for (const Json &header : vector.member("headers")->items) {
        if (header.items[0].text == "envelope") {
            if (header.items[1].kind != Json::null) {
                envelope = decode_hex(header.items[1].text);
            }
            break;
        }
    }
    std::optional<std::string> value;
    if (vector.member("value")->kind != Json::null) {
        value = decode_base64(vector.member("value")->text);
    }
    std::int64_t timestamp_ms = std::stoll(vector.member("timestamp_ms")->text);
    const Json &expect = *vector.member("expect");
    const std::string &result = expect.member("result")->text;

    std::optional<mw::Event> event;
    try {
        event = mw::decode(envelope ? std::optional<std::string_view>(*envelope) : std::nullopt,
                           value ? std::optional<std::string_view>(*value) : std::nullopt, timestamp_ms);
    } catch (const mw::RecordError &error) {
        if (result != "error") {
            return "expected " + result + ", got " + error.status_name() + ": " + error.what();
        }
        const std::string &kind = expect.member("error")->text;
        if (error.status() != status_of_kind(kind) || kind != error_kind(error)) {
            return "expected " + kind + ", got " + error.status_name() + " " + error_kind(error) + ": " + error.what();
        }
        if (std::string(error.what()).empty()) {
            return "error has an empty message";
        }
        if (!error.record() || !error.record()->topic.empty() || error.record()->partition != -1 ||
            error.record()->offset != -1) {
            return "decode error does not carry the record coordinates \"\", -1, -1";
        }
        return "";
    }

    if (!event) {
        return result == "skip" ? "" : "expected " + result + ", got skip";
    }
    if (result != "event") {
        return "expected " + result + ", got an event";
    }
    if (mw::to_string(event->method()) != expect.member("method")->text) {
        return "method: expected " + expect.member("method")->text + ", got " + std::string(mw::to_string(event->method()));
    }
    if (mw::to_string(event->encoding()) != expect.member("encoding")->text) {
        return "encoding: expected " + expect.member("encoding")->text;
    }
    if (event->timestamp_ms() != timestamp_ms) {
        return "timestamp_ms differs";
    }

    const auto &expected_headers = expect.member("headers")->items;
    std::vector<mw::Header> headers = event->headers();
    if (headers.size() != expected_headers.size()) {
        return "header count: expected " + std::to_string(expected_headers.size()) + ", got " + std::to_string(headers.size());
    }
    for (std::size_t index = 0; index < headers.size(); index++) {
        const Json &expected = expected_headers[index];
        if (headers[index].name != expected.items[0].text) {
            return "header " + std::to_string(index) + " name differs";
        }
        const auto &values = expected.items[1].items;
        if (headers[index].values.size() != values.size()) {
            return "header " + std::to_string(index) + " value count differs";
        }
        for (std::size_t value_index = 0; value_index < values.size(); value_index++) {
            if (headers[index].values[value_index] != values[value_index].text) {
                return "header " + std::to_string(index) + " value " + std::to_string(value_index) + " differs";
            }
        }
    }

    Json want;
    if (const Json *file = expect.member("payload_file")) {
        want = parse_json(read_file(vectors_dir + "/" + file->text));
    } else {
        const Json &payload = *expect.member("payload");
        const Json *json_text = payload.kind == Json::object && payload.members.size() == 1 ? payload.member("$json_text") : nullptr;
        want = json_text != nullptr ? parse_json(json_text->text) : payload;
    }
    Json have;
    try {
        have = parse_json(event->payload_json());
    } catch (const std::exception &error) {
        return std::string("payload JSON does not parse: ") + error.what();
    }
    if (!same_json(want, have)) {
        return "payload differs: got " + std::string(event->payload_json().substr(0, 200));
    }
    return "";
}

static void test_decoding_vectors() {
    const char *shared = std::getenv("MW_SHARED_DIR");
    std::string vectors_dir = std::string(shared != nullptr ? shared : "../shared") + "/vectors";
    std::ifstream lines(vectors_dir + "/envelopes.jsonl");
    if (!lines) {
        std::printf("skip decoding vectors: %s/envelopes.jsonl not found (set MW_SHARED_DIR)\n", vectors_dir.c_str());
        return;
    }

    int line_count = 0;
    int vectors_passed = 0;
    std::string line;
    while (std::getline(lines, line)) {
        line_count++;
        std::string name = "line " + std::to_string(line_count);
        std::string problem;
        try {
            Json vector = parse_json(line);
            name = vector.member("name")->text;
            problem = check_vector(vector, vectors_dir);
        } catch (const std::exception &error) {
            problem = std::string("test raised ") + error.what();
        }
        if (problem.empty()) {
            vectors_passed++;
        } else {
            std::printf("FAIL vector %s: %s\n", name.c_str(), problem.c_str());
        }
    }
    std::printf("decoding vectors: %d of %d passed\n", vectors_passed, line_count);
    CHECK(line_count > 0);
    CHECK(vectors_passed == line_count);
}

// MARK: - Decoding and events

static void test_decode_and_event_ownership() {
    // A one-byte envelope 0x00 is a system record: no event.
    CHECK(!mw::decode(std::string_view("\x00", 1), std::string_view("x"), 0).has_value());

    // A null envelope is a malformed record; a caller can catch it as any base class.
    bool caught = false;
    try {
        mw::decode(std::nullopt, std::string_view("x"), 0);
    } catch (const mw::MalformedMessageError &error) {
        caught = error.status() == MW_ERR_MALFORMED_MESSAGE && std::string(error.status_name()) == "MW_ERR_MALFORMED_MESSAGE";
    }
    CHECK(caught);

    caught = false;
    try {
        mw::decode(std::string_view("\x81"), std::string_view("x"), 0);
    } catch (const mw::Error &error) {
        caught = error.status() == MW_ERR_UNSUPPORTED_ENVELOPE &&
                 dynamic_cast<const mw::RecordError *>(&error) != nullptr && error.record().has_value();
    }
    CHECK(caught);

    // Avro record: method POST (2), one header "x-nul" with value "a\0b", payload {"n":1}, JSON.
    const char value[] = "\x04\x02\x0ax-nul\x02\x06" "a\0b" "\x00\x00\x0e{\"n\":1}\x00";
    std::optional<mw::Event> event = mw::decode(std::string_view("\x80"), std::string_view(value, sizeof value - 1), 1234);
    if (!CHECK(event.has_value())) {
        return;
    }
    CHECK(event->method() == mw::HttpMethod::post);
    CHECK(event->encoding() == mw::PayloadEncoding::json);
    CHECK(event->timestamp_ms() == 1234);
    CHECK(event->header_count() == 1);
    CHECK(event->header_value(0, 0) == std::string_view("a\0b", 3));
    CHECK(event->header("X-NUL").has_value());
    CHECK(!event->header("missing").has_value());
    CHECK(event->headers_json() == R"([["x-nul",["a\u0000b"]]])");
    CHECK(event->payload_json() == R"({"n":1})");
    CHECK(event->topic().empty());
    CHECK(event->partition() == -1);
    CHECK(event->offset() == -1);
    CHECK(!event->key().has_value());

    // Moving transfers ownership; a copy outlives the original.
    mw::Event moved = std::move(*event);
    CHECK(event->native_handle() == nullptr);
    mw::Event copy = moved.view().copy();
    CHECK(copy.native_handle() != moved.native_handle());
    { mw::Event dropped = std::move(moved); }
    CHECK(copy.payload_json() == R"({"n":1})");
}

// MARK: - Errors

static void test_error_mapping(const std::string &bootstrap, const std::string &topic) {
    bool caught = false;
    try {
        mw::Profile::parse(R"({"kafka": {"bootstrap": "127.0.0.1:9092", "security_protocol": "PLAINTEXT"}})");
    } catch (const mw::ProfileError &error) {
        caught = error.status() == MW_ERR_PROFILE && std::string(error.what()).find("consumer_name") != std::string::npos &&
                 !error.record().has_value();
        if (!caught) std::printf("  profile error: %s\n", error.what());
    }
    CHECK(caught);

    caught = false;
    try {
        mw::Profile::load("/nonexistent/cpp-profile.json");
    } catch (const mw::IoError &error) {
        caught = std::string(error.what()).find("/nonexistent/cpp-profile.json") != std::string::npos;
    }
    CHECK(caught);

    mw::Profile profile = mw::Profile::parse(profile_json("cpp-errors", bootstrap));
    CHECK(profile.consumer_name() == "cpp-errors");
    CHECK(profile.kafka_bootstrap() == bootstrap);
    CHECK(profile.security_protocol() == "PLAINTEXT");
    CHECK(!profile.auth_mechanism().has_value());

    caught = false;
    try {
        mw::Consumer consumer("", profile);
    } catch (const mw::InvalidArgumentError &) {
        caught = true;
    }
    CHECK(caught);

    mw::Consumer consumer(topic, profile);
    caught = false;
    try {
        consumer.set_option("mw.poll.interval.ms", "0");
    } catch (const mw::InvalidArgumentError &error) {
        caught = std::string(error.what()).find("mw.poll.interval.ms") != std::string::npos;
    }
    CHECK(caught);

    caught = false;
    try {
        consumer.set_option("no.such.property", "1");
    } catch (const mw::KafkaError &error) {
        caught = error.status() == MW_ERR_KAFKA;
    }
    CHECK(caught);

    // No broker listens on 127.0.0.1:1, so the run ends with KafkaError after mw.broker.timeout.ms.
    mw::Consumer unreachable(topic, mw::Profile::parse(profile_json(unique_group("down"), "127.0.0.1:1")));
    unreachable.set_option("mw.broker.timeout.ms", "1000");
    caught = false;
    int handled = 0;
    try {
        unreachable.run([&](mw::EventView) { handled++; });
    } catch (const mw::KafkaError &error) {
        caught = std::string(error.what()).find("127.0.0.1:1") != std::string::npos;
        if (!caught) std::printf("  unreachable broker error: %s\n", error.what());
    }
    CHECK(caught);
    CHECK(handled == 0);
    CHECK(warnings_logged > 0); // the failed connections reach set_log_handler's handler
}

// MARK: - Consuming

struct Sample {
    std::string payload;
    std::vector<std::pair<std::string, std::vector<std::string>>> headers;
};

// Reads each NAME.json of `directory` with the headers that dev-broker sends
// with it: NAME.json.headers ("Name: value" lines, consecutive lines of one
// name forming one entry), then X-Sample-File: NAME.json.
static std::map<std::string, Sample> read_samples(const std::string &directory) {
    std::map<std::string, Sample> samples;
    DIR *folder = opendir(directory.c_str());
    if (folder == nullptr) {
        throw std::runtime_error("cannot open " + directory);
    }
    while (dirent *entry = readdir(folder)) {
        std::string name = entry->d_name;
        if (name.size() < 5 || name.compare(name.size() - 5, 5, ".json") != 0) {
            continue;
        }
        Sample sample;
        sample.payload = read_file(directory + "/" + name);
        std::ifstream header_lines(directory + "/" + name + ".headers");
        std::string line;
        while (std::getline(header_lines, line)) {
            std::size_t colon = line.find(": ");
            if (colon == std::string::npos) {
                continue;
            }
            std::string header_name = line.substr(0, colon);
            if (sample.headers.empty() || sample.headers.back().first != header_name) {
                sample.headers.push_back({header_name, {}});
            }
            sample.headers.back().second.push_back(line.substr(colon + 2));
        }
        sample.headers.push_back({"X-Sample-File", {name}});
        samples[name] = sample;
    }
    closedir(folder);
    return samples;
}

static bool headers_match(const mw::Event &event, const Sample &sample) {
    std::vector<mw::Header> headers = event.headers();
    if (headers.size() != sample.headers.size()) {
        return false;
    }
    for (std::size_t index = 0; index < headers.size(); index++) {
        if (headers[index].name != sample.headers[index].first ||
            headers[index].values.size() != sample.headers[index].second.size()) {
            return false;
        }
        for (std::size_t value_index = 0; value_index < headers[index].values.size(); value_index++) {
            if (headers[index].values[value_index] != sample.headers[index].second[value_index]) {
                return false;
            }
        }
    }
    return true;
}

static void test_consume_every_event(const std::string &bootstrap, const std::string &topic, const std::string &samples_dir) {
    std::map<std::string, Sample> samples = read_samples(samples_dir);
    CHECK(!samples.empty());

    mw::Consumer consumer(topic, mw::Profile::parse(profile_json(unique_group("consume"), bootstrap)));
    std::vector<mw::Event> events;
    {
        StopTimer timer(consumer, consume_timeout);
        consumer.run([&](const mw::EventView &event) {
            events.push_back(event.copy());
            if (events.size() == samples.size()) {
                consumer.stop();
            }
        });
    }
    std::printf("consumed %zu of %zu sample events\n", events.size(), samples.size());
    CHECK(events.size() == samples.size());

    std::set<std::pair<std::int32_t, std::int64_t>> records;
    std::set<std::string> keys;
    int json_events = 0;
    int cbor_events = 0;
    for (const mw::Event &event : events) {
        records.insert({event.partition(), event.offset()});
        std::string key(event.key().value_or(""));
        keys.insert(key);
        auto sample = samples.find(key);
        if (!CHECK(sample != samples.end())) {
            continue;
        }
        CHECK(event.topic() == topic);
        CHECK(event.partition() >= 0);
        CHECK(event.offset() >= 0);
        CHECK(event.method() == mw::HttpMethod::post);
        CHECK(event.timestamp_ms() > 0);
        CHECK(same_json(parse_json(event.payload_json()), parse_json(sample->second.payload)));
        if (!CHECK(headers_match(event, sample->second))) {
            std::printf("  headers of %s: %s\n", key.c_str(), event.headers_json().c_str());
        }
        if (event.encoding() == mw::PayloadEncoding::json) {
            json_events++;
            CHECK(event.payload_raw() == event.payload_json());
        } else {
            cbor_events++;
            CHECK(event.payload_raw() != event.payload_json());
        }
    }
    CHECK(records.size() == samples.size()); // each record once
    CHECK(keys.size() == samples.size());    // each sample once
    CHECK(json_events > 0);
    CHECK(cbor_events > 0);
}

struct HandlerFailure : std::runtime_error {
    HandlerFailure(std::string message, std::int64_t offset) : std::runtime_error(std::move(message)), offset(offset) {}
    std::int64_t offset;
};

// A consumer of `group` whose session timeout is short, so that the next
// consumer of the group joins within seconds after this one left.
static mw::Consumer group_member(const std::string &topic, const std::string &group, const std::string &bootstrap) {
    mw::Consumer consumer(topic, mw::Profile::parse(profile_json(group, bootstrap)));
    consumer.set_option("session.timeout.ms", "6000");
    return consumer;
}

static void test_failing_handler(const std::string &bootstrap, const std::string &topic, std::size_t sample_count) {
    std::string group = unique_group("failing");
    using Record = std::pair<std::int32_t, std::int64_t>;

    // 1. The handler returns false on the third event: HandlerError names that record.
    std::vector<Record> accepted;
    std::optional<Record> rejected;
    bool handler_error = false;
    {
        mw::Consumer consumer = group_member(topic, group, bootstrap);
        StopTimer timer(consumer, consume_timeout);
        try {
            consumer.run([&](mw::EventView event) {
                if (accepted.size() == 2) {
                    rejected = Record{event.partition(), event.offset()};
                    return false;
                }
                accepted.push_back({event.partition(), event.offset()});
                return true;
            });
        } catch (const mw::HandlerError &error) {
            handler_error = error.status() == MW_ERR_HANDLER && error.record() && rejected &&
                            error.record()->topic == topic && error.record()->partition == rejected->first &&
                            error.record()->offset == rejected->second;
            if (!handler_error) std::printf("  handler error: %s\n", error.what());
        }
    }
    CHECK(handler_error);
    if (!CHECK(rejected.has_value())) {
        return;
    }

    // 2. The next member of the group starts at the rejected record. Its
    // handler throws there: run() rethrows that very exception.
    std::optional<Record> first_of_partition;
    bool rethrown = false;
    {
        mw::Consumer consumer = group_member(topic, group, bootstrap);
        StopTimer timer(consumer, consume_timeout);
        try {
            consumer.run([&](mw::EventView event) {
                if (event.partition() == rejected->first) {
                    first_of_partition = Record{event.partition(), event.offset()};
                    throw HandlerFailure("rejected in test", event.offset());
                }
            });
        } catch (const HandlerFailure &failure) {
            rethrown = failure.offset == rejected->second && std::string(failure.what()) == "rejected in test";
        }
    }
    CHECK(rethrown);
    CHECK(first_of_partition == rejected);

    // 3. The exception left the record uncommitted too: a third member
    // receives it, and exactly the records the first member did not accept.
    std::set<Record> received;
    std::optional<Record> first_again;
    {
        mw::Consumer consumer = group_member(topic, group, bootstrap);
        StopTimer timer(consumer, consume_timeout);
        std::size_t remaining = sample_count - accepted.size();
        consumer.run([&](mw::EventView event) {
            if (event.partition() == rejected->first && !first_again) {
                first_again = Record{event.partition(), event.offset()};
            }
            received.insert({event.partition(), event.offset()});
            if (received.size() >= remaining) {
                consumer.stop();
            }
        });
    }
    CHECK(first_again == rejected);
    CHECK(received.size() == sample_count - accepted.size());
    for (const Record &record : accepted) {
        CHECK(received.count(record) == 0);
    }
}

int main(int argc, char **argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s BOOTSTRAP TOPIC SAMPLES_DIR\n", argv[0]);
        return 64;
    }
    std::string bootstrap = argv[1];
    std::string topic = argv[2];
    std::string samples_dir = argv[3];
    mw::set_log_handler([](mw::LogLevel level, std::string_view message) {
        warnings_logged++;
        std::fprintf(stderr, "library log %d: %.*s\n", static_cast<int>(level), static_cast<int>(message.size()), message.data());
    }, mw::LogLevel::warning);

    struct Test {
        const char *name;
        std::function<void()> run;
    };
    std::vector<Test> tests = {
        {"decoding vectors", test_decoding_vectors},
        {"decode and event ownership", test_decode_and_event_ownership},
        {"error mapping", [&] { test_error_mapping(bootstrap, topic); }},
        {"consume every event", [&] { test_consume_every_event(bootstrap, topic, samples_dir); }},
        {"failing handler", [&] { test_failing_handler(bootstrap, topic, read_samples(samples_dir).size()); }},
    };
    for (const Test &test : tests) {
        int failed_before = failed_checks;
        auto started = std::chrono::steady_clock::now();
        try {
            test.run();
        } catch (const std::exception &error) {
            failed_checks++;
            std::printf("FAIL %s: unexpected exception: %s\n", test.name, error.what());
        }
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::printf("%s %s (%.1f s)\n", failed_checks == failed_before ? "ok  " : "FAIL", test.name, seconds);
    }

    std::printf("%d passed, %d failed\n", passed_checks, failed_checks);
    return failed_checks == 0 ? 0 : 1;
}
