// Checks that include/misterwebhooks.h compiles as C++ with C linkage:
//   c++ -std=c++11 -Wall -Wextra -pedantic -Werror -Iinclude -x c++ -fsyntax-only tests/c/header_cxx.cpp
#include "misterwebhooks.h"

static_assert(MW_OK == 0, "MW_OK must be 0");
static_assert(MW_METHOD_PATCH == 5, "methods are the Avro enum indexes");

// Calls functions and handler types of the header, so the C++ compiler
// checks their parameter lists.
static int run(mw_event_handler handler, mw_log_handler log_handler) {
    mw_event *event = nullptr;
    mw_status status = mw_event_decode(nullptr, 0, nullptr, 0, 0, &event, nullptr);
    mw_set_log_handler(log_handler, nullptr, MW_LOG_INFO);
    return handler(event, nullptr) + static_cast<int>(status);
}

int main() {
    return run([](const mw_event *, void *) { return 0; },
               [](mw_log_level, const char *, void *) {});
}
