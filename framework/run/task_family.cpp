#include "framework/run/task.h"

namespace motlab {
MOTLAB_DEFINE_FAMILY(task_family, Task, "task", "task", "what `motlab run` executes")
}  // namespace motlab
