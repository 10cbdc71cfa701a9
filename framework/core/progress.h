// Progress reporting for long loops: a redrawn bar with rate and ETA on a terminal, plain
// periodic log lines otherwise (CI logs, files).
#pragma once
#include <chrono>
#include <map>
#include <string>

namespace motlab {

class Progress {
 public:
  // total <= 0: unknown length (no ETA).
  Progress(std::string tag, int64_t total, std::string unit = "it");
  ~Progress();
  // Advance by `steps`; `values` (e.g. loss) are shown next to the rate.
  void update(int64_t steps = 1, const std::map<std::string, double>& values = {});
  void finish();

 private:
  void render(bool final_line);
  std::string tag_, unit_;
  int64_t total_, done_ = 0;
  std::map<std::string, double> values_;
  std::chrono::steady_clock::time_point start_, last_render_;
  bool terminal_, finished_ = false;
  int last_decile_ = -1;
};

// Set by SIGINT/SIGTERM once install_interrupt_handler() ran: long loops check it, finish the
// current step, save and return.
void install_interrupt_handler();
bool interrupt_requested();
void clear_interrupt();

}  // namespace motlab
