/* neuron_step: the generic neuron kernel, one (instance b, neuron i) of a model
 * defined by equations, step k: NumpyBackend.equation_step with the same arithmetic
 * in the same order (snnkit/modeling/numpy_group.py). k = STEP_NOW (clock.h).
 * The model's own code comes before this file, generated from its equations
 * (snnkit/modeling/codegen_c.py: model_receive, model_update, model_threshold,
 * model_reset, MODEL_N_*); everything else is lif_step's (kernels/lif.c):
 * ring: (depth, MODEL_N_RECEPTORS, plane), the values arriving this step in slot
 * k % depth; state: (MODEL_N_STATE, plane); refrac, i_inject: (plane);
 * plane = plane_stride(batch * n) (layout.h). Parameters: MODEL_PARAM (neuron.h).
 * Phase 1 is straight-line code (the generated functions are inlined, refractoriness,
 * threshold and reset are selects, the loops over variables and receptors unrolled:
 * without UNROLL PoCL does not vectorise the work-item loop, 1.8x slower on CUBA 4k),
 * then a barrier, then the spiking work-items emit and propagate (propagate.h). */
KERNEL void neuron_step(const u32 n, const u32 batch, const u32 step_offset,
                        GLOBAL const u32* step_clock, const u32 depth,
                        const u32 param_plane, const u32 param_stride, const u32 param_unit, GLOBAL real* ring,
                        GLOBAL real* state, GLOBAL int* refrac, GLOBAL const real* params,
                        GLOBAL const int* refrac_steps, GLOBAL const real* i_inject,
                        GLOBAL const u32* rng_neuron, GLOBAL const u32* rng_stream,
                        GLOBAL const u32* key_lo, GLOBAL const u32* key_hi, GLOBAL const u32* instance,
                        GLOBAL u32* spike_list, GLOBAL u32* spike_count,
        const u32 record, GLOBAL u32* rec_step, GLOBAL u32* rec_id, GLOBAL u32* rec_count,
        const u32 out_fused, const u32 out_n_post, const u32 out_n_receptors, const u32 out_depth,
        const u32 out_uniform_receptor, const u32 out_uniform_delay, const u32 out_n_synapses,
        const u32 out_plastic, GLOBAL const u32* out_row_ptr, GLOBAL const u32* out_post_index,
        GLOBAL const u8* out_receptor, GLOBAL const u16* out_delay, GLOBAL const real* out_weight,
        GLOBAL real* out_ring)
{
    GROUP_U32S(spiked_here, 0)
    GROUP_SPIKE_LIST
    const u32 step = STEP_NOW;                         /* clock.h */
    const u32 ring_slot = step % depth;
    const u32 gid = GLOBAL_ID;
    const u32 n_all = n * batch, plane = plane_stride(n_all);
    {   /* phase 1: the update, every work-item alike */
#if !defined(PARAMS_SHARED) || MODEL_N_NOISE > 0 || MODEL_N_UNIFORM > 0
        /* work-items past n_all update padding with the parameters of the last neuron */
        const u32 c = min_u32(gid, n_all - 1);
        const u32 b = c / n, i = c - b * n;
#endif
#ifndef PARAMS_SHARED
        const u32 p = b * param_stride + i * param_unit;
#else
        const u32 p = 0;
#endif
        /* every load first, every store at the end */
        GLOBAL real* arriving = ring + (u64)ring_slot * MODEL_N_RECEPTORS * plane;
        real s[MODEL_N_STATE + 1];             /* + 1: a model may have no state variable */
        UNROLL for (u32 j = 0; j < MODEL_N_STATE; ++j) s[j] = state[j * plane + gid];
        real in[MODEL_N_RECEPTORS];
        UNROLL for (u32 r = 0; r < MODEL_N_RECEPTORS; ++r) in[r] = arriving[r * plane + gid];
        int countdown = refrac[gid];
#ifdef MODEL_READS_I_INJECT
        const real I_inject = i_inject[gid];
#else
        const real I_inject = 0;
#endif
        /* t = k dt in ms, rounded once (numpy_group: dtype.type(k * dt)) */
        const real t = (real)((double)step * MODEL_DT_DOUBLE);
        real noise[MODEL_N_NOISE + 1];
        noise[MODEL_N_NOISE] = 0;
#if MODEL_N_NOISE > 0
        /* the noisy variables' standard normal draws: two per Philox counter, streams
         * RNG_NOISE, RNG_NOISE + 2, ... (numpy_group.noise_draws) */
        UNROLL for (u32 j = 0; j < MODEL_N_NOISE; j += 2) {
            const philox_words w = philox4x32_10(step, rng_neuron[i], instance[b], rng_stream[i] + RNG_NOISE + j,
                                                 key_lo[b], key_hi[b]);
            noise[j] = (real)standard_normal(w.x[0], w.x[1]);
            if (j + 1 < MODEL_N_NOISE) noise[j + 1] = (real)standard_normal(w.x[2], w.x[3]);
        }
#endif
        real uniform[MODEL_N_UNIFORM + 1];
        uniform[MODEL_N_UNIFORM] = 0;
#if MODEL_N_UNIFORM > 0
        /* the rand() draws in [0, 1): four per Philox counter, streams RNG_UNIFORM,
         * RNG_UNIFORM + 2, ... (numpy_group.uniform_draws) */
        UNROLL for (u32 j = 0; j < MODEL_N_UNIFORM; j += 4) {
            const philox_words w = philox4x32_10(step, rng_neuron[i], instance[b],
                                                 rng_stream[i] + RNG_UNIFORM + j / 2u, key_lo[b], key_hi[b]);
            UNROLL for (u32 q = 0; q < 4u; ++q)
                if (j + q < MODEL_N_UNIFORM) uniform[j + q] = (real)uniform01(w.x[q]);
        }
#endif

        /* 1. the weights arriving this step enter through the receptors */
        model_receive(s, in, t, I_inject, noise, uniform, params, param_plane, p);
        /* 2. the integrator's step; (unless refractory) variables held; the countdown runs */
        const int refractory = countdown > 0;
        model_update(s, refractory, t, I_inject, noise, uniform, params, param_plane, p);
        countdown = refractory ? countdown - 1 : countdown;
        /* 3. threshold (not while refractory), reset, the refractory period starts */
        const int spiked = !refractory && model_threshold(s, t, I_inject, noise, uniform, params, param_plane, p);
        model_reset(s, spiked, t, I_inject, noise, uniform, params, param_plane, p);
        countdown = spiked ? REFRAC_STEPS : countdown;

        /* the slot is cleared with a value computed from what was read (lif.c says why) */
        UNROLL for (u32 r = 0; r < MODEL_N_RECEPTORS; ++r) arriving[r * plane + gid] = in[r] - in[r];
        UNROLL for (u32 j = 0; j < MODEL_N_STATE; ++j) state[j * plane + gid] = s[j];
        refrac[gid] = countdown;
        spiked_here[LOCAL_ID] = spiked && gid < n_all;
    }
    /* phase 2: the spiking work-items emit; their rows are propagated (propagate.h) */
    BARRIER();
    EMIT_AND_PROPAGATE(spiked_here);
}
