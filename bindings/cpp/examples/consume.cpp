// consume.cpp - a C++ consumer of a Mister Webhooks topic.
//
//     consume TOPIC PROFILE [MAX_EVENTS]
//
// Prints one line per webhook event until Ctrl-C, or until MAX_EVENTS events
// have been handled. Offsets are committed for every printed event.
#include "misterwebhooks.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace mw = misterwebhooks;

static mw_consumer *running_consumer = nullptr;

static void on_signal(int) {
    mw_consumer_stop(running_consumer); // one atomic store: safe in a signal handler
}

// Routes SIGINT and SIGTERM to `consumer` while it lives. Declared after the
// consumer, so the handlers are reset before the consumer is freed.
struct StopOnSignal {
    explicit StopOnSignal(mw::Consumer &consumer) {
        running_consumer = consumer.native_handle();
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
    }

    ~StopOnSignal() {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        running_consumer = nullptr;
    }
};

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        std::cerr << "usage: " << argv[0] << " TOPIC PROFILE [MAX_EVENTS]\n";
        return 64;
    }
    long max_events = argc == 4 ? std::atol(argv[3]) : 0;
    long handled = 0;

    try {
        mw::Consumer consumer(argv[1], mw::Profile::load(argv[2]));
        StopOnSignal stop_on_signal(consumer);

        // The handler runs on this thread. Throwing from it would stop the
        // run, leave this event uncommitted and rethrow here.
        consumer.run([&](mw::EventView event) {
            std::string_view payload = event.payload_json();
            std::string_view first_line = payload.substr(0, std::min<std::size_t>(payload.find('\n'), 60));
            std::cout << event.topic() << " partition " << event.partition() << " offset " << event.offset() << ": "
                      << mw::to_string(event.method()) << ' ' << mw::to_string(event.encoding()) << ", "
                      << event.header_count() << " headers, " << payload.size() << " bytes of JSON: " << first_line
                      << std::endl;

            handled++;
            if (max_events > 0 && handled >= max_events) {
                consumer.stop();
            }
        });
    } catch (const mw::Error &error) {
        std::cerr << error.status_name() << ": " << error.what() << '\n';
        std::cerr << "handled " << handled << " events\n";
        return 1;
    }
    std::cerr << "handled " << handled << " events\n";
    return 0;
}
