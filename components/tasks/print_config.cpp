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

MOTLAB_REGISTER(task_family, "print_config", "print the resolved run config",
                [](const Config& node) -> std::shared_ptr<Task> {
                  Options(node, "task 'print_config'").finish();
                  return std::make_shared<PrintConfigTask>();
                });
}  // namespace motlab
