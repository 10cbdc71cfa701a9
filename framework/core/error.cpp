#include "framework/core/error.h"

#include <c10/util/Exception.h>

#include <cstdlib>
#include <cstring>

namespace motlab {

bool debug_errors() {
  static const bool debug = [] {
    const char* env = std::getenv("MOTLAB_DEBUG");
    return env && *env && std::strcmp(env, "0") != 0;
  }();
  return debug;
}

std::string error_text(const std::exception& e) {
  if (debug_errors()) return e.what();
  const auto* torch_error = dynamic_cast<const c10::Error*>(&e);
  std::string text = torch_error ? torch_error->what_without_backtrace() : e.what();
  // c10 messages may still carry "Exception raised from ..." and frame lines: keep the first
  // line that says what went wrong.
  for (const char* marker : {"\nException raised from", "Exception raised from", "\nframe #"}) {
    const size_t at = text.find(marker);
    if (at != std::string::npos && at > 0) text = text.substr(0, at);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

namespace detail {

void fail(const char* file, int line, const char* condition, const std::string& message) {
  std::ostringstream out;
  out << message;
  if (message.empty() && condition) out << "check failed: " << condition;
  // Users read what went wrong and where in their input; the source line is for developers.
  if (debug_errors()) {
    const char* base = std::strrchr(file, '/');
    out << " [" << (base ? base + 1 : file) << ":" << line << "]";
  }
  throw Error(out.str());
}

}  // namespace detail
}  // namespace motlab
