/* prelude_cuda.h: the dialect words for CUDA C (NVRTC / nvcc). Compile with
 * --fmad=false so that element-wise float arithmetic rounds as NumPy does. */
#define ENTRY extern "C" __global__          /* a kernel the host launches */
#define KERNEL ENTRY                        /* an op kernel (also a phase of a step program: program.h) */
#define GLOBAL
#define DEVICE __device__
#define INLINE __device__ __forceinline__
#define ALWAYS_INLINE __device__ __forceinline__   /* an op inside a step program */
#define GLOBAL_ID ((u32)(blockIdx.x * blockDim.x + threadIdx.x))
#define LOCAL __shared__                     /* shared by the block */
#define LOCAL_ID ((u32)threadIdx.x)
#define LOCAL_SIZE ((u32)blockDim.x)
#define GROUP_ID ((u32)blockIdx.x)
#define NUM_GROUPS ((u32)gridDim.x)
#define UNROLL _Pragma("unroll")          /* unroll the loop that follows (a constant trip count) */
#define BARRIER() __syncthreads()
#define BARRIER_GLOBAL() __syncthreads()                 /* also orders global memory in the block */
#define BARRIER_ALL() __syncthreads()
#define RESTRICT __restrict__                     /* a pointer through which alone its object is reached */
#define LOCAL_POINTER                  /* what a pointer into LOCAL memory is qualified with */
#define F32_FROM_BITS(u) __uint_as_float((u32)(u))   /* the float whose bits are u */
#define F64_BITS(x) ((u64)__double_as_longlong((double)(x)))   /* the bits of a double */
#define F64_FROM_BITS(u) __longlong_as_double((long long)(u))   /* the double whose bits are u */

#ifndef INFINITY                          /* NVRTC has no math.h */
#define INFINITY __int_as_float(0x7f800000)
#endif
#ifndef NAN
#define NAN __int_as_float(0x7fffffff)
#endif

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define ATOMIC_ADD_F32(address, value) atomicAdd((float*)(address), (value))
#define ATOMIC_ADD_REAL(address, value) atomicAdd((address), (value))   /* float, or double on sm_60+ */
#define ATOMIC_INC_U32(address) atomicAdd((u32*)(address), 1u)
#define ATOMIC_MAX_U32(address, value) atomicMax((u32*)(address), (value))
#define ATOMIC_INC_LOCAL(address) atomicAdd((u32*)(address), 1u)

/* a step program's untyped buffer (void*) passed as an op's typed pointer (program.h):
 * C converts void* implicitly, C++ needs this */
struct any_pointer_ {
    void* p;
    template <class T> __device__ operator T*() const { return (T*)p; }
};
#define ANY_POINTER(p) (any_pointer_{(void*)(p)})
