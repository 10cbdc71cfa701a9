#include "framework/core/process_setup.h"

#include <dlfcn.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <unistd.h>

#include <strings.h>
#include <cstdlib>

namespace motlab {

std::string openblas_core_name() {
  using CoreName = char* (*)();
  auto core_name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  const char* name = core_name ? core_name() : nullptr;
  return name ? name : "";
}

void use_fast_openblas_kernels(char** argv) {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;  // the user's (or our) choice
  if (strcasecmp(openblas_core_name().c_str(), "prescott") != 0) return;  // CPU recognised
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  const char* kernels = nullptr;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    kernels = "SkylakeX";
  else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    kernels = "Haswell";
  if (kernels == nullptr) return;  // an old CPU: Prescott is the right choice
  ::setenv("OPENBLAS_CORETYPE", kernels, 1);
  ::execv("/proc/self/exe", argv);  // only returns on failure: keep running as we are
  ::unsetenv("OPENBLAS_CORETYPE");
#else
  (void)argv;
#endif
}

void keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

void set_up_process(char** argv) {
  use_fast_openblas_kernels(argv);
  keep_freed_memory_for_reuse();
}

}  // namespace motlab
