// What motlab says when an action fails: the message of the motlab::Error it throws, or
// "<no error>" when it does not throw.
#pragma once
#include <functional>
#include <string>

namespace motlab::test {
std::string error_of(const std::function<void()>& action);
}  // namespace motlab::test
