/* fill_real, fill_u32: set the first n_values values of an array to one value. This is
 * how a simulation's state goes back to its initial values between samples
 * (Simulator.reset_state) without reallocating anything: membrane, synaptic state,
 * refractory countdowns, the delay ring, STDP traces, spike counters. */
KERNEL void fill_real(const u32 n_values, const real value, GLOBAL real* values)
{
    const u32 k = GLOBAL_ID;
    if (k < n_values) values[k] = value;
}

KERNEL void fill_u32(const u32 n_values, const u32 value, GLOBAL u32* values)
{
    const u32 k = GLOBAL_ID;
    if (k < n_values) values[k] = value;
}
