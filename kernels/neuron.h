/* neuron.h: what the generated model functions (snnkit/modeling/codegen_c.py) call,
 * ahead of them in the text of kernels/neuron.c.
 * MODEL_PARAM(MP_x): parameter or host constant x of the work-item's neuron and
 * instance, params[MP_x * param_plane + p], p = b * param_stride + i * param_unit (as
 * lif.c's PARAM); under PARAMS_SHARED the value compiled in as SHARED_MP_x. */
#ifdef PARAMS_SHARED
#define MODEL_PARAM(name) SHARED_##name
#define REFRAC_STEPS SHARED_REFRAC_STEPS
#else
#define MODEL_PARAM(name) params[(name) * param_plane + p]
#define REFRAC_STEPS refrac_steps[p]
#endif

/* exponential Euler's step factor expm1(z)/z (1 at z = 0), in double rounded once,
 * as snnkit/modeling/codegen_numpy.py's _phi1 */
INLINE real phi1(const real z)
{
    const double d = (double)z;
    return d == 0.0 ? (real)1 : (real)(expm1(d) / d);
}
