#include "framework/core/progress.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iomanip>
#include <sstream>

#include "framework/core/log.h"

namespace motlab {
namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted = true; }

std::string format_duration(double seconds) {
  if (seconds < 0 || seconds > 1e7) return "?";
  int s = static_cast<int>(seconds + 0.5);
  char buffer[32];
  if (s >= 3600)
    std::snprintf(buffer, sizeof(buffer), "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buffer, sizeof(buffer), "%02d:%02d", s / 60, s % 60);
  return buffer;
}
}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}
bool interrupt_requested() { return g_interrupted.load(); }
void clear_interrupt() { g_interrupted = false; }

Progress::Progress(std::string tag, int64_t total, std::string unit)
    : tag_(std::move(tag)), unit_(std::move(unit)), total_(total) {
  start_ = last_render_ = std::chrono::steady_clock::now();
  terminal_ = ::isatty(STDERR_FILENO) == 1;
}

Progress::~Progress() {
  if (!finished_) finish();
}

void Progress::update(int64_t steps, const std::map<std::string, double>& values) {
  done_ += steps;
  for (const auto& [k, v] : values) values_[k] = v;
  auto now = std::chrono::steady_clock::now();
  if (terminal_) {
    if (now - last_render_ > std::chrono::milliseconds(200) || done_ == total_) {
      render(false);
      last_render_ = now;
    }
    return;
  }
  // Not a terminal: one line per 10% (or every 30 s when the length is unknown).
  if (total_ > 0) {
    int decile = static_cast<int>(10 * done_ / total_);
    if (decile > last_decile_ && decile < 10) {
      last_decile_ = decile;
      render(false);
    }
  } else if (now - last_render_ > std::chrono::seconds(30)) {
    render(false);
    last_render_ = now;
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  render(true);
}

void Progress::render(bool final_line) {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = elapsed > 0 ? done_ / elapsed : 0.0;
  std::ostringstream line;
  line << done_;
  if (total_ > 0)
    line << "/" << total_ << " (" << (100 * done_ / std::max<int64_t>(total_, 1)) << "%)";
  line << std::fixed << std::setprecision(2) << " " << rate << " " << unit_ << "/s";
  line << " elapsed " << format_duration(elapsed);
  if (total_ > 0 && rate > 0 && !final_line)
    line << " eta " << format_duration((total_ - done_) / rate);
  for (const auto& [k, v] : values_) line << " " << k << "=" << std::setprecision(4) << v;
  if (terminal_) {
    int width = 30;
    int filled = total_ > 0 ? static_cast<int>(width * done_ / std::max<int64_t>(total_, 1)) : 0;
    std::string bar = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
    std::fprintf(stderr, "\r[%s] %s%s\033[K%s", tag_.c_str(), total_ > 0 ? bar.c_str() : "",
                 line.str().c_str(), final_line ? "\n" : "");
    std::fflush(stderr);
  } else {
    log::info(tag_, line.str());
  }
}

}  // namespace motlab
