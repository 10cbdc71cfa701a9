#include "framework/core/error.h"

#include <cstring>

namespace motlab::detail {

void fail(const char* file, int line, const char* condition, const std::string& message) {
  const char* base = std::strrchr(file, '/');
  std::ostringstream out;
  out << message;
  if (message.empty() && condition) out << "check failed: " << condition;
  out << " [" << (base ? base + 1 : file) << ":" << line << "]";
  throw Error(out.str());
}

}  // namespace motlab::detail
