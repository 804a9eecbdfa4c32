/* nengo_io.c: move selected heap values to and from the host (nengo operators that run
 * on the host: Nodes with an input, operators without a kernel). */

KERNEL void nengo_gather(u32 n, GLOBAL const u32* index, GLOBAL const real* heap, GLOBAL real* out)
{
    const u32 i = GLOBAL_ID;
    if (i < n)
        out[i] = heap[index[i]];
}

KERNEL void nengo_scatter(u32 n, GLOBAL const u32* index, GLOBAL const real* values, GLOBAL real* heap)
{
    const u32 i = GLOBAL_ID;
    if (i < n)
        heap[index[i]] = values[i];
}
