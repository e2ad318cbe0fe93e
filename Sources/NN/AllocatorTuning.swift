import CKernels

/// Keeps glibc from handing activation-sized blocks back to the kernel after every use.
///
/// A training step allocates and frees dozens of activations of 1–32 MB. With glibc's defaults the
/// heap top above 2× the (dynamic) mmap threshold is trimmed on free, so the next step faults the same
/// pages in again: ResNet-20 at batch 128 took ~200,000 minor page faults per 2 s of benchmark and ran
/// ~6 % slower. Blocks up to 32 MB now come from the heap and the heap is trimmed only when more than
/// 256 MB at its top is free; larger blocks (datasets, batch-1000 activations) are still mapped and
/// returned. Peak RSS is unchanged (the same blocks are reused). Every tensor allocation calls this; only the
/// first call has an effect. (A lazily initialised `Void` global was optimised away and never ran.)
@inline(__always) func tuneAllocator() { pb_tune_allocator(32 << 20, 256 << 20) }
