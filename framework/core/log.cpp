#include "framework/core/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>

namespace motlab::log {
namespace {
std::mutex g_mutex;
Level g_level = Level::kInfo;
std::ofstream g_file;

const char* level_name(Level level) {
  switch (level) {
    case Level::kDebug: return "D";
    case Level::kInfo: return "I";
    case Level::kWarn: return "W";
    case Level::kError: return "E";
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

void write(Level level, const std::string& tag, const std::string& message) {
  if (level < g_level) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  localtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
  std::lock_guard<std::mutex> lock(g_mutex);
  std::cerr << stamp << " " << level_name(level) << " [" << tag << "] " << message << "\n";
  if (g_file.is_open()) {
    g_file << stamp << " " << level_name(level) << " [" << tag << "] " << message << "\n";
    g_file.flush();
  }
}

}  // namespace motlab::log
