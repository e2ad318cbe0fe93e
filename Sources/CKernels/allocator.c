// glibc allocator settings for the engine's activation-sized blocks (see AllocatorTuning.swift).
#include "ckernels.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void pb_tune_allocator(int mmapThreshold, int trimThreshold) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, mmapThreshold);
    mallopt(M_TRIM_THRESHOLD, trimThreshold);
#else
    (void)mmapThreshold;
    (void)trimThreshold;
#endif
}
