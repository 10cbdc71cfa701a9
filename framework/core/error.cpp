#include "framework/core/error.h"

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
