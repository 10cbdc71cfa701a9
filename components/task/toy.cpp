// Task `toy`: a job with known metrics for checking run directories and sweeps.
#include <chrono>
#include <thread>

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/run/task.h"

namespace motlab {
namespace {
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
                OptionSchema()
                    .option<int64_t>("a", 1, "metric value = a * 10 + len(b)")
                    .option<std::string>("b", "x", "a string recorded in metrics.json")
                    .node("fail_on", "fail when a equals this (null: never)")
                    .option<double>("sleep_s", 0.0, "seconds to sleep before finishing"),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Task> {
                  std::optional<int64_t> fail_on;
                  if (!o.is_null("fail_on")) fail_on = o.get<int64_t>("fail_on");
                  return std::make_shared<ToyTask>(o.get<int64_t>("a"), o.get<std::string>("b"),
                                                   fail_on, o.get<double>("sleep_s"));
                });
}  // namespace motlab
