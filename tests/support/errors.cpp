#include "tests/support/errors.h"

#include "framework/core/error.h"

namespace motlab::test {
std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const motlab::Error& e) {
    return e.what();
  }
  return "<no error>";
}
}  // namespace motlab::test
