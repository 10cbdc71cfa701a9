// Errors: every failure throws motlab::Error with the source location and a message that names
// the file/key/value involved. Never abort: a caller (CLI, launcher) decides what to do.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace motlab {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// MOTLAB_DEBUG=1 (or any value but 0): errors also name the source file:line that raised them,
// and LibTorch's C++ stack traces are kept.
bool debug_errors();

// What a user reads of any exception: motlab's own message; for LibTorch's c10::Error only its
// first line without the C++ stack trace (the trace is kept under MOTLAB_DEBUG=1).
std::string error_text(const std::exception& e);

namespace detail {
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}
[[noreturn]] void fail(const char* file, int line, const char* condition,
                       const std::string& message);
}  // namespace detail

}  // namespace motlab

// MOTLAB_CHECK(cond, "message parts", value, ...): throws motlab::Error("message"), with
// " [file:line]" appended under MOTLAB_DEBUG=1.
#define MOTLAB_CHECK(cond, ...)                                                                 \
  do {                                                                                          \
    if (!(cond))                                                                                \
      ::motlab::detail::fail(__FILE__, __LINE__, #cond, ::motlab::detail::concat(__VA_ARGS__)); \
  } while (0)

#define MOTLAB_FAIL(...) \
  ::motlab::detail::fail(__FILE__, __LINE__, nullptr, ::motlab::detail::concat(__VA_ARGS__))
