// Task `toy`: a job with known metrics for checking run directories and sweeps.
#include <chrono>
#include <thread>

#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/run/task.h"

namespace motlab {
namespace {
struct ToySettings {
  int64_t a = 1;
  std::string b = "x";
  std::optional<int64_t> fail_on;
  double sleep_s = 0.0;
};

SettingsSchema<ToySettings> toy_settings() {
  using S = ToySettings;
  return SettingsSchema<S>()
      .option("a", &S::a, "metric value = a * 10 + len(b)")
      .option("b", &S::b, "a string recorded in metrics.json")
      .nullable("fail_on", &S::fail_on, "fail when a equals this (null: never)")
      .option("sleep_s", &S::sleep_s, "seconds to sleep before finishing");
}

class ToyTask : public Task {
 public:
  ToyTask(int64_t a, std::string b, std::optional<int64_t> fail_on, double sleep_s)
      : a_(a), b_(std::move(b)), fail_on_(fail_on), sleep_s_(sleep_s) {}
  void run(RunContext& run) override {
    log::info("toy", "a=" + std::to_string(a_) + " b=" + b_);
    if (sleep_s_ > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(sleep_s_ * 1000)));
    MOTLAB_CHECK(!fail_on_ || *fail_on_ != a_, "toy task told to fail for a=", a_);
    for (int step = 1; step <= 3; ++step)
      run.append_csv_row({{"step", step}, {"value", double(a_ * step)}});
    run.set_metric("value", double(a_ * 10 + static_cast<int64_t>(b_.size())));
    run.set_info("b", b_);
  }

 private:
  int64_t a_;
  std::string b_;
  std::optional<int64_t> fail_on_;
  double sleep_s_;
};
}  // namespace

MOTLAB_REGISTER(task_family, "toy", "a toy job with known metrics (checks runs and sweeps)",
                toy_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Task> {
                  const ToySettings s = toy_settings().read(o);
                  return std::make_shared<ToyTask>(s.a, s.b, s.fail_on, s.sleep_s);
                });
}  // namespace motlab
