/* lif_step: the fused LIF update of one (instance b, neuron i), step k:
 * NumpyBackend.deliver and NumpyBackend.lif_step in one pass, with the same
 * arithmetic in the same order. k = STEP_NOW (clock.h).
 * ring: (depth, 2 receptors, plane); the values arriving this step sit in slot
 * ring_slot = k % depth. v_state, refrac, theta:
 * (plane); syn: (2, plane); plane = plane_stride(batch * n) (layout.h).
 * Compile-time switches: SYN_DELTA | SYN_CURR_EXP | SYN_COND_EXP, METHOD_EULER,
 * LEAKY, ADAPTIVE, NOISY, BIASED, INJECTED, PARAMS_SHARED. INJECTED adds i_inject[gid]
 * (nA, a plane like v: the current of current sources, written by the host between
 * steps: snnkit/schedule.py) after i_offset. Parameters:
 * params[P_x * param_plane + p], p = b * param_stride + i * param_unit
 * (param_stride 0: shared by all instances; param_unit 0: one value for every
 * neuron; PARAMS_SHARED: both, and the values are compiled in as SHARED_P_x and
 * SHARED_REFRAC_STEPS: kernels.shared_parameter_switches says why).
 * Two phases: the update is straight-line code (selects, no bounds check, no
 * branch) so that a CPU OpenCL compiler vectorises it; after a work-group
 * barrier the spiking work-items emit their spikes and their rows are walked
 * (by the whole group, or on CPUs by the spiking work-item: propagate.h).
 * Spikes are appended to
 * spike_list; spike_count[k & 1] counts them and this kernel zeroes
 * spike_count[(k + 1) & 1] for the next step. */
#ifdef PARAMS_SHARED
#define PARAM(name) SHARED_##name
#define REFRAC_STEPS SHARED_REFRAC_STEPS
#else
#define PARAM(name) params[(name) * param_plane + p]
#define REFRAC_STEPS refrac_steps[p]
#endif

KERNEL void lif_step(PROGRAM_IDS const u32 n, const u32 batch, const u32 step_offset,
                     GLOBAL const u32* step_clock, const u32 depth,
                     const u32 param_plane, const u32 param_stride, const u32 param_unit, GLOBAL real* ring,
                     GLOBAL real* v_state, GLOBAL real* syn, GLOBAL int* refrac, GLOBAL real* theta,
                     GLOBAL const real* params, GLOBAL const int* refrac_steps, GLOBAL const real* i_inject,
                     GLOBAL const u32* rng_neuron, GLOBAL const u32* rng_stream,
                     GLOBAL const u32* key_lo, GLOBAL const u32* key_hi, GLOBAL const u32* instance,
                     GLOBAL u32* spike_list, GLOBAL u32* spike_count,
        const u32 record, GLOBAL u32* rec_step, GLOBAL u32* rec_id, GLOBAL u32* rec_count,
        const u32 out_fused, const u32 out_n_post, const u32 out_n_receptors, const u32 out_depth,
        const u32 out_uniform_receptor,
        const u32 out_uniform_delay, const u32 out_n_synapses, const u32 out_plastic,
        GLOBAL const u32* out_row_ptr, GLOBAL const u32* out_post_index, GLOBAL const u8* out_receptor,
        GLOBAL const u16* out_delay, GLOBAL const real* out_weight, GLOBAL real* out_ring)
{
    GROUP_U32S(spiked_here, 0)
    GROUP_SPIKE_LIST
    const u32 step = STEP_NOW;                         /* clock.h */
    const u32 ring_slot = step % depth;
    const u32 gid = GLOBAL_ID;
    const u32 n_all = n * batch, plane = plane_stride(n_all);
    PHASE(1) {   /* phase 1: the update, every work-item alike */
#if !defined(PARAMS_SHARED) || defined(NOISY)
        /* work-items past n_all update padding with the parameters of the last neuron */
        const u32 c = min_u32(gid, n_all - 1);
        const u32 b = c / n, i = c - b * n;
#endif
#ifndef PARAMS_SHARED
        const u32 p = b * param_stride + i * param_unit;
#endif
        /* every load first, every store at the end */
        GLOBAL real* arriving = ring + (u64)ring_slot * 2 * plane;
        real v = v_state[gid];
        real s0 = syn[gid];
        real s1 = syn[plane + gid];
        const real in0 = arriving[gid];
        const real in1 = arriving[plane + gid];
        int countdown = refrac[gid];
#ifdef ADAPTIVE
        real th = theta[gid];
#endif

        /* deliver: input arriving this step joins the synaptic state; the slot is cleared */
        s0 = s0 + in0;
        s1 = s1 + in1;

        /* synaptic state: delta input is a voltage jump used up this step;
         * exponential synapses decay before the membrane sees them */
#ifdef SYN_DELTA
        const real jump = s0 + s1;
        s0 = 0; s1 = 0;
#ifdef INJECTED
        const real current = PARAM(P_I_OFFSET) + i_inject[gid];
#else
        const real current = PARAM(P_I_OFFSET);
#endif
#else
        s0 = s0 * PARAM(P_DECAY_SYN_E);
        s1 = s1 * PARAM(P_DECAY_SYN_I);
#ifdef SYN_CURR_EXP
        real current = s0 + s1;
#ifdef BIASED
        current = current + PARAM(P_I_OFFSET);
#endif
#ifdef INJECTED
        current = current + i_inject[gid];
#endif
#endif
#endif
        const int refractory = countdown > 0;

#ifdef SYN_COND_EXP
        /* v relaxes to the conductance-weighted reversal potentials, time constant cm / g_total */
        const real g_total = (PARAM(P_G_LEAK) + s0) + s1;
#ifdef INJECTED
        const real v_inf = ((((PARAM(P_G_LEAK) * PARAM(P_V_REST) + s0 * PARAM(P_E_REV_E))
                              + s1 * PARAM(P_E_REV_I)) + PARAM(P_I_OFFSET)) + i_inject[gid]) / g_total;
#else
        const real v_inf = (((PARAM(P_G_LEAK) * PARAM(P_V_REST) + s0 * PARAM(P_E_REV_E))
                             + s1 * PARAM(P_E_REV_I)) + PARAM(P_I_OFFSET)) / g_total;
#endif
#ifdef METHOD_EULER
        v = v + (PARAM(P_DT_OVER_CM) * g_total) * (v_inf - v);
#else
        v = v - v_inf;
#ifdef EXP_F32
        v = v * exp_f32(-PARAM(P_DT_OVER_CM) * g_total);   /* float32 runs, math="fast" (exp_f32.h) */
#else
        v = v * (real)exp((double)(-PARAM(P_DT_OVER_CM) * g_total));
#endif
        v = v + v_inf;
#endif
#elif defined(LEAKY)
        /* tau_m dv/dt = v_inf - v with v_inf = v_rest + R_m I held over the step */
        real v_inf = PARAM(P_R_M) * current;
        v_inf = v_inf + PARAM(P_V_REST);
#ifdef METHOD_EULER
        v = v + PARAM(P_DT_OVER_TAU_M) * (v_inf - v);
#else
        v = v - v_inf;
        v = v * PARAM(P_DECAY_M);
        v = v + v_inf;
#endif
#else
        /* perfect integrator: cm dv/dt = I */
        v = v + current * PARAM(P_DT_OVER_CM);
#endif

#ifdef NOISY
        const philox_words w = philox4x32_10(step, rng_neuron[i], instance[b], rng_stream[i] + RNG_NOISE,
                                             key_lo[b], key_hi[b]);
        v = v + PARAM(P_NOISE_STD) * (real)standard_normal(w.x[0], w.x[1]);
#endif
#ifdef SYN_DELTA
        v = v + jump;
#endif

        /* refractory neurons stay clamped at v_reset and count down */
        v = refractory ? PARAM(P_V_RESET) : v;
        countdown = refractory ? countdown - 1 : countdown;

        /* threshold (>=), adapted by theta, which decays back to 0 */
#ifdef ADAPTIVE
        th = th * PARAM(P_DECAY_THETA);
        const int spiked = !refractory && v >= PARAM(P_V_THRESH) + th;
#else
        const int spiked = !refractory && v >= PARAM(P_V_THRESH);
#endif
        /* reset, start the refractory period, raise the threshold */
        v = spiked ? PARAM(P_V_RESET) : v;
        countdown = spiked ? REFRAC_STEPS : countdown;
#ifdef ADAPTIVE
        th = spiked ? th + PARAM(P_D_THETA) : th;
        theta[gid] = th;
#endif
        /* the slot is cleared with a value computed from what was read (x - x is +0 for
         * every finite x, and ring values are sums of finite weights): a constant 0
         * lets the compiler store it right after the loads, to lines whose loads are
         * still in flight, which stalls the memory pipeline; on an H100 that made this
         * kernel 2.2x slower (1.27 vs 2.77 TB/s; benchmarks/gpu/lif_variants.py) */
        arriving[gid] = in0 - in0;
        arriving[plane + gid] = in1 - in1;
        v_state[gid] = v;
        syn[gid] = s0;
        syn[plane + gid] = s1;
        refrac[gid] = countdown;
        spiked_here[LOCAL_ID] = spiked && gid < n_all;
        ZERO_NEXT_SPIKE_COUNT();
    }
    /* phase 2: the spiking work-items emit; their rows are propagated (propagate.h) */
    BARRIER();
    PHASE(2) EMIT_FLAGGED_AND_PROPAGATE(spiked_here);
}
