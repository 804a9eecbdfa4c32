/* prelude_opencl.h: the dialect words for OpenCL C 1.2. Only the preludes differ
 * between OpenCL and CUDA; every op file uses just these macros. */
#pragma OPENCL FP_CONTRACT OFF            /* no fused multiply-add: match NumPy's rounding */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable

#define ENTRY __kernel                      /* a kernel the host launches */
#define KERNEL ENTRY                        /* an op kernel (also a phase of a step program: program.h) */
#define ANY_POINTER(p) (p)                  /* a step program's untyped buffer as an op's typed pointer */
#define GLOBAL __global
#define DEVICE                               /* helper functions need no qualifier */
#define INLINE inline __attribute__((always_inline))   /* as CUDA's __forceinline__: PoCL otherwise calls philox4x32_10, 7x slower */
#define ALWAYS_INLINE inline __attribute__((always_inline))   /* an op inside a step program */
#define GLOBAL_ID ((uint)get_global_id(0))
#define LOCAL __local                       /* shared by the work-group */
#define LOCAL_ID ((uint)get_local_id(0))
#define LOCAL_SIZE ((uint)get_local_size(0))
#define GROUP_ID ((uint)get_group_id(0))
#define NUM_GROUPS ((uint)get_num_groups(0))
#define UNROLL _Pragma("unroll")          /* unroll the loop that follows (a constant trip count) */
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define BARRIER_GLOBAL() barrier(CLK_GLOBAL_MEM_FENCE)   /* global writes visible to the work-group */
#define BARRIER_ALL() barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)   /* both */
#define RESTRICT restrict                     /* a pointer through which alone its object is reached */
#define LOCAL_POINTER __local                 /* what a pointer into LOCAL memory is qualified with */
#define F32_FROM_BITS(u) as_float((u32)(u))   /* the float whose bits are u */
#define F64_BITS(x) as_ulong((double)(x))              /* the bits of a double */
#define F64_FROM_BITS(u) as_double((u64)(u))          /* the double whose bits are u */

typedef uchar u8;
typedef ushort u16;
typedef uint u32;
typedef ulong u64;

/* float atomic add by compare-and-swap (OpenCL 1.2 has only integer atomics) */
INLINE void atomic_add_f32(volatile GLOBAL float* address, float value)
{
    union { u32 bits; float f; } old, next;
    do {
        old.f = *address;
        next.f = old.f + value;
    } while (atomic_cmpxchg((volatile GLOBAL u32*)address, old.bits, next.bits) != old.bits);
}
#define ATOMIC_ADD_F32(address, value) atomic_add_f32((volatile GLOBAL float*)(address), (value))

#ifdef REAL_IS_DOUBLE
#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
INLINE void atomic_add_f64(volatile GLOBAL double* address, double value)
{
    union { u64 bits; double f; } old, next;
    do {
        old.f = *address;
        next.f = old.f + value;
    } while (atom_cmpxchg((volatile GLOBAL u64*)address, old.bits, next.bits) != old.bits);
}
#define ATOMIC_ADD_REAL(address, value) atomic_add_f64((volatile GLOBAL double*)(address), (value))
#else
#define ATOMIC_ADD_REAL(address, value) ATOMIC_ADD_F32(address, value)
#endif
#define ATOMIC_INC_U32(address) atomic_inc((volatile GLOBAL u32*)(address))
#define ATOMIC_MAX_U32(address, value) atomic_max((volatile GLOBAL u32*)(address), (value))
#define ATOMIC_INC_LOCAL(address) atomic_inc((volatile __local u32*)(address))
