#include "framework/core/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <mutex>

#include <unistd.h>

namespace motlab::log {
namespace {
std::mutex g_mutex;
Level g_level = Level::kInfo;
std::ofstream g_file;
std::string g_prefix;

const char* level_name(Level level) {
  switch (level) {
    case Level::kDebug:
      return "D";
    case Level::kInfo:
      return "I";
    case Level::kWarn:
      return "W";
    case Level::kError:
      return "E";
  }
  return "?";
}
}  // namespace

void set_level(Level level) { g_level = level; }
Level level() { return g_level; }

void set_file(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_file.is_open()) g_file.close();
  if (!path.empty()) g_file.open(path, std::ios::app);
}

void set_prefix(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_prefix = prefix;
}

void write(Level level, const std::string& tag, const std::string& message) {
  if (level < g_level) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  localtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
  std::lock_guard<std::mutex> lock(g_mutex);
  const std::string line = std::string(stamp) + " " + level_name(level) + " " + g_prefix + "[" +
                           tag + "] " + message + "\n";
  for (size_t done = 0; done < line.size();) {
    const ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) break;  // stderr closed: the file below still gets the line
    done += static_cast<size_t>(n);
  }
  if (g_file.is_open()) {
    g_file << line;
    g_file.flush();
  }
}

}  // namespace motlab::log
