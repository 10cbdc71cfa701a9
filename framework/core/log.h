// Logging with [component] tags. Lines go to stderr and, once a run directory is open, to its
// log.txt as well. Thread-safe.
#pragma once
#include <sstream>
#include <string>

namespace motlab::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void set_level(Level level);
Level level();
// Mirror every line into this file (append); empty path stops mirroring.
void set_file(const std::string& path);
// Prepended to every line, e.g. "rank 1 " on a data-parallel job's other ranks; "" = none.
void set_prefix(const std::string& prefix);
// One line; written with one system call, so processes sharing a terminal do not interleave.
void write(Level level, const std::string& tag, const std::string& message);

inline void info(const std::string& tag, const std::string& message) {
  write(Level::kInfo, tag, message);
}
inline void warn(const std::string& tag, const std::string& message) {
  write(Level::kWarn, tag, message);
}
inline void error(const std::string& tag, const std::string& message) {
  write(Level::kError, tag, message);
}
inline void debug(const std::string& tag, const std::string& message) {
  write(Level::kDebug, tag, message);
}

// Stream form: MOTLAB_LOG(info, "trainer") << "epoch " << e;
class Line {
 public:
  Line(Level level, std::string tag) : level_(level), tag_(std::move(tag)) {}
  ~Line() { write(level_, tag_, stream_.str()); }
  template <class T>
  Line& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

 private:
  Level level_;
  std::string tag_;
  std::ostringstream stream_;
};

}  // namespace motlab::log

#define MOTLAB_LOG(level_name, tag) ::motlab::log::Line(::motlab::log::Level::k##level_name, tag)
