// Task `print_config`: prints the resolved run config (a dry run of composition).
#include <iostream>

#include "framework/run/task.h"

namespace motlab {
namespace {
class PrintConfigTask : public Task {
 public:
  void run(RunContext& run) override { std::cout << run.config().to_yaml(); }
};
}  // namespace

MOTLAB_REGISTER(task_family, "print_config", "print the resolved run config", OptionSchema(),
                [](const Options&, const BuildContext&) -> std::shared_ptr<Task> {
                  return std::make_shared<PrintConfigTask>();
                });
}  // namespace motlab
