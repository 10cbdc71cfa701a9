#include "framework/run/task.h"

namespace motlab {
MOTLAB_DEFINE_FAMILY(task_family, "task", "task", "what `motlab run` executes",
                     std::shared_ptr<Task>, const Config&)
}  // namespace motlab
