/* prelude_cuda.h: the dialect words for CUDA C (NVRTC / nvcc). Compile with
 * --fmad=false so that element-wise float arithmetic rounds as NumPy does. */
#define KERNEL extern "C" __global__
#define GLOBAL
#define DEVICE __device__
#define INLINE __device__ __forceinline__
#define GLOBAL_ID ((u32)(blockIdx.x * blockDim.x + threadIdx.x))
#define LOCAL __shared__                     /* shared by the block */
#define LOCAL_ID ((u32)threadIdx.x)
#define LOCAL_SIZE ((u32)blockDim.x)
#define GROUP_ID ((u32)blockIdx.x)
#define NUM_GROUPS ((u32)gridDim.x)
#define UNROLL _Pragma("unroll")          /* unroll the loop that follows (a constant trip count) */
#define BARRIER() __syncthreads()
#define BARRIER_GLOBAL() __syncthreads()                 /* also orders global memory in the block */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define ATOMIC_ADD_F32(address, value) atomicAdd((float*)(address), (value))
#define ATOMIC_ADD_REAL(address, value) atomicAdd((address), (value))   /* float, or double on sm_60+ */
#define ATOMIC_INC_U32(address) atomicAdd((u32*)(address), 1u)
#define ATOMIC_MAX_U32(address, value) atomicMax((u32*)(address), (value))
#define ATOMIC_INC_LOCAL(address) atomicAdd((u32*)(address), 1u)
