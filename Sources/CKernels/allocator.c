// glibc allocator settings for the engine's activation-sized blocks (see AllocatorTuning.swift).
#include "ckernels.h"
#include <stdlib.h>  // defines __GLIBC__ on glibc systems
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void pb_tune_allocator(int mmapThreshold, int trimThreshold) {
    static int done = 0;
    // Called on every tensor allocation: a plain load after the first call, no atomic write.
    if (__atomic_load_n(&done, __ATOMIC_RELAXED) || __atomic_exchange_n(&done, 1, __ATOMIC_RELAXED)) return;
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, mmapThreshold);
    mallopt(M_TRIM_THRESHOLD, trimThreshold);
#else
    (void)mmapThreshold;
    (void)trimThreshold;
#endif
}
