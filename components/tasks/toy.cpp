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
                [](const Config& node) -> std::shared_ptr<Task> {
                  Options options(node, "task 'toy'");
                  int64_t a = options.get<int64_t>("a", 1);
                  std::string b = options.get<std::string>("b", "x");
                  std::optional<int64_t> fail_on;
                  if (options.has("fail_on") && !node["fail_on"].is_null())
                    fail_on = options.get<int64_t>("fail_on", 0);
                  else
                    options.node("fail_on");
                  double sleep_s = options.get<double>("sleep_s", 0.0);
                  options.finish();
                  return std::make_shared<ToyTask>(a, b, fail_on, sleep_s);
                });
}  // namespace motlab
