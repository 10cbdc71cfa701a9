// Process-wide settings the motlab entry points (the CLI and the test binaries) apply first,
// through set_up_process.
//
// OpenBLAS picks its compute kernels from the CPU model when it loads. Debian 12's OpenBLAS
// (0.3.21) does not know CPUs released after it (e.g. Intel Xeon family 6 model 207) and falls
// back to its generic "Prescott" SSE3 kernels; on such a 2-core VM a DistilBERT pretraining step
// ran 2.4x slower than with its SkylakeX kernels (3.27 vs 7.99 steps/s, same losses). The kernel
// set can only be chosen through OPENBLAS_CORETYPE before the library loads, so the motlab entry
// points call this first: it re-executes the program once with the variable set.
#pragma once
#include <string>

namespace motlab {

// When OPENBLAS_CORETYPE is unset and OpenBLAS fell back to Prescott on a CPU with AVX-512
// (SkylakeX kernels) or AVX2 + FMA (Haswell kernels), sets it and execv()s /proc/self/exe with
// the same arguments (never returns then). Otherwise returns without doing anything. Set
// OPENBLAS_CORETYPE yourself to keep a kernel set (e.g. =Prescott for the old behaviour).
void use_fast_openblas_kernels(char** argv);

// OpenBLAS's kernel set ("SkylakeX", "Prescott", ...), or "" when BLAS is not OpenBLAS.
std::string openblas_core_name();

// glibc returns blocks above its mmap threshold (at most 32 MB) to the kernel on free, so each
// large activation (TMR's [32, 4, 198, 198] attention weights: 20 MB) costs fresh page faults on
// every step. Raising the mmap and trim thresholds keeps freed memory for reuse: TMR training
// steps 6% faster, peak RSS about the same (measured). Does nothing outside glibc.
void keep_freed_memory_for_reuse();

// Both of the above, in that order: the first thing main() does.
void set_up_process(char** argv);

}  // namespace motlab
