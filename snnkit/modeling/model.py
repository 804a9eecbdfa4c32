"""A neuron model defined by equations (the model layer's description).

    qif = EquationModel(
        '''
        dv/dt = (k*(v - v_rest)*(v - v_crit) + R_m*(I_syn + i_offset))/tau_m : mV (unless refractory)
        dI_syn/dt = -I_syn/tau_syn : nA
        ''',
        threshold="v >= v_peak", reset="v = v_reset", refractory="tau_refrac",
        parameters={"tau_m": (10.0, "ms", "positive"), "tau_syn": (5.0, "ms", "positive"),
                    "v_rest": (-65.0, "mV"), "v_crit": (-50.0, "mV"), "v_peak": (0.0, "mV"),
                    "v_reset": (-70.0, "mV"), "k": (0.04, "1/mV"), "R_m": (100.0, "MOhm", "positive"),
                    "i_offset": (0.0, "nA"), "tau_refrac": (2.0, "ms", "nonnegative")},
        initial={"v": "v_rest"}, receptors={"excitatory": "I_syn += w", "inhibitory": "I_syn += w"},
        method="rk4")

Parameters take values exactly like the hand-written models' (scalars, one per
neuron, (batch, 1) / (batch, N) per instance, distributions): ``qif(tau_m=...)``
returns a copy with new values. Units are checked when the model is made; an
error names the part, the line and the offending term.
"""

from __future__ import annotations

import sympy

from ..distributions import Distribution
from ..validation import RULES, check_choice, check_count, check_finite, check_nonnegative, check_rule, fail
from .equations import BUILTINS, is_noise, parse_equations
from .expressions import ModelError, Where, parse_expression, parse_statements, strip_units, unit_of
from .integrators import METHODS, Update, integrate
from .program import statements_block
from .units import parse_unit

WEIGHT = "w"


def parameter_spec(where: str, spec) -> tuple:
    """(default, unit text, rule) of a declared parameter, ``(default, unit)`` or
    ``(default, unit, rule)`` (rule "any" when left out), the rule checked."""
    if not isinstance(spec, tuple) or len(spec) not in (2, 3):
        raise ModelError(where, "must be (default, unit) or (default, unit, rule)")
    default, unit_text, rule = (spec + ("any",))[:3]
    if rule not in RULES:
        raise ModelError(where, f"rule {rule!r} is unknown; known: {', '.join(RULES)}")
    return default, unit_text, rule


def copy_with_values(model, values: dict, check):
    """A copy of ``model`` (an EquationModel or SynapseModel) whose ``params`` take
    ``values``, each checked by ``check(name, value)``; an unknown name is an error."""
    unknown = sorted(set(values) - set(model.defaults))
    if unknown:
        fail(unknown[0], values[unknown[0]], f"{model.name} has no parameter of that name; known: "
                                             f"{', '.join(sorted(model.defaults)) or 'none'}")
    for pname, value in values.items():
        check(pname, value)
    copy = object.__new__(type(model))
    copy.__dict__.update(model.__dict__)
    copy.params = dict(model.params, **values)
    return copy


class EquationModel:
    """A neuron model from equations, threshold, reset, refractoriness and receptors.

    A Population of it runs in the Simulator on every backend (NumPy: the generated
    NumPy functions; OpenCL and CUDA: the generic neuron kernel, kernels/neuron.c).
    Projections name one of its
    ``receptors``; their weights are in that receptor's unit (``weight_units``).

    Parameters
    ----------
    equations : str
        One equation a line (snnkit.modeling.equations).
    threshold : str, optional
        A condition on the state, e.g. ``"v >= v_thresh"`` (no threshold: the model never spikes).
    reset : str
        Statements run for the neurons that spiked, e.g. ``"v = v_reset; w += b"``.
    refractory : float or str, optional
        A duration in ms, or the name of a parameter in ms. During it the variables
        flagged ``(unless refractory)`` are held and the threshold is not tested.
    parameters : dict
        name -> (default, unit) or (default, unit, rule); rule one of "any" (default),
        "positive", "positive_or_inf", "nonnegative".
    initial : dict, optional
        state variable -> a number (in its unit), a distribution, a parameter's name, or
        an expression of parameters and state variables (evaluated after the variables
        initialized otherwise, in the order given); default 0.
    receptors : dict, optional
        receptor name -> statements using ``w`` (the arriving weight), e.g.
        ``{"excitatory": "g_E += w"}``; the weight's unit follows from the statement.
    method : str
        "auto" (exact where the system is linear with constant coefficients, else
        exponential_euler where it is conditionally linear, else rk4), or one of
        exact, exponential_euler, euler, rk2, rk4; "discrete" with ``update``.
    update : str, optional
        A discrete-time map instead of differential equations (SpikingJelly's neurons):
        statements run each step after the receptors, e.g.
        ``"v = v + (x - (v - v_reset))/tau; x = 0*mV"``; the variables are declared
        ``v : mV`` in ``equations``.
    refractory_convention : {"nest", "brian2"}
        As for the hand-written models: the refractory steps after the spike step.
    name : str, optional
    substeps : int
        euler, rk2 and rk4 take this many steps of dt / substeps per step (default 1).
    weight_symbol : str
        The name of the arriving weight in the receptors' statements (default "w"; a
        model with a state variable w, such as AdEx, names it otherwise).
    finite_state : bool
        True (default): a state gone NaN or infinite stops the run (the watchdog,
        snnkit.guards) and initial values must be finite. False: they are values like
        any other (Brian2's semantics: its frontend's models).
    """

    is_equation_model = True           # (snnkit.model checks for it without importing sympy)

    def __init__(self, equations: str, threshold: str | None = None, reset: str = "", refractory=None,
                 parameters: dict | None = None, initial: dict | None = None, receptors: dict | None = None,
                 method: str = "auto", refractory_convention: str = "nest", name: str | None = None,
                 weight_symbol: str = WEIGHT, substeps: int = 1, update: str | None = None,
                 finite_state: bool = True):
        check_choice("method", method, ("auto", "discrete") + METHODS)
        if not isinstance(weight_symbol, str) or not weight_symbol.isidentifier():
            fail("weight_symbol", weight_symbol, "must be a Python name")
        self.weight_symbol = weight_symbol
        self.finite_state = bool(finite_state)
        check_choice("refractory_convention", refractory_convention, ("nest", "brian2"))
        self.name = name or "EquationModel"
        self.method_asked, self.refractory_convention = method, refractory_convention
        self.units, self.rules, self.defaults = {}, {}, {}
        for pname, spec in (parameters or {}).items():
            self._declare(pname, spec)
        self.equations = parse_equations(equations, self.units)
        self.state_variables = tuple(self.equations.state_variables)
        for eq in self.equations.equations:
            if "event-driven" in eq.flags:
                raise ModelError(str(eq.where), "(event-driven) is for synapse models (SynapseModel); a "
                                                "neuron's equations are integrated every step")
        units = dict(BUILTINS)
        units.update(self.units)
        units.update({eq.name: eq.unit for eq in self.equations.equations})
        self.all_units = units
        known = set(units)
        self.derivatives = self.equations.derivatives()
        self.substeps = check_count("substeps", substeps, minimum=1)
        if update is None:
            if method == "discrete":
                raise ModelError("method", "'discrete' needs the update statements (update=...)")
            self.update = integrate(self.derivatives, list(self.state_variables), method, substeps=self.substeps)
        else:
            self.update = self._discrete(update, method, units)
        self.method = self.update.method
        self.held = tuple(eq.name for eq in self.equations.equations
                          if eq.kind in ("differential", "variable") and "unless refractory" in eq.flags)
        self.threshold = self._threshold(threshold, known, units)
        self.reset = parse_statements(reset or "", "reset", known, set(self.state_variables), dict(units),
                                      temporaries=True)
        self.refractory = self._refractory(refractory)
        self.initial = self._initial(initial or {})
        self.receptors = {}
        self.weight_units = {}
        if receptors and weight_symbol in units:
            raise ModelError("receptors", f"the arriving weight `{weight_symbol}` is also a variable or parameter "
                                          f"of the model; name the weight otherwise (weight_symbol=...)")
        for receptor, text in (receptors or {}).items():
            self._receptor(receptor, text, known | {weight_symbol}, units)
        self.params = dict(self.defaults)

    # -- declarations -------------------------------------------------------------
    def _declare(self, pname: str, spec) -> None:
        where = f"parameters[{pname!r}]"
        if not pname.isidentifier() or pname in BUILTINS or pname == self.weight_symbol or is_noise(pname):
            raise ModelError(where, f"{pname!r} cannot name a parameter (a Python name other than "
                                    f"{', '.join(list(BUILTINS) + [self.weight_symbol])} and xi_*, the noises)")
        default, unit_text, rule = parameter_spec(where, spec)
        try:
            self.units[pname] = parse_unit(unit_text)
        except ValueError as err:
            raise ModelError(where, str(err)) from None
        self.rules[pname] = (rule, unit_text)
        self._check(pname, default)
        self.defaults[pname] = default

    def _check(self, pname: str, value) -> None:
        if isinstance(value, Distribution):
            return
        check_rule(f"{self.name}.{pname}", value, self.rules[pname][0])

    def _discrete(self, text: str, method: str, units: dict):
        """A discrete-time map: the ``update`` statements replace the integrator."""
        if method not in ("auto", "discrete"):
            raise ModelError("method", f"a model with update statements is a discrete-time map "
                                       f"(method='discrete'), not {method!r}")
        moving = [eq.name for eq in self.equations.equations if eq.kind == "differential"]
        if moving:
            raise ModelError("update", f"a discrete-time model declares its variables as `name : unit`; "
                                       f"d{moving[0]}/dt is a differential equation")
        known = set(units)
        statements = parse_statements(text, "update", known, set(self.state_variables), dict(units),
                                      temporaries=True)
        block = statements_block(statements, self.equations.substitute)
        outputs = {x: name for x, name in block.outputs.items() if x in self.state_variables}
        return Update("discrete", steps=block.steps, outputs=outputs)

    def _threshold(self, text, known, units):
        if text is None:
            return None
        where = Where("threshold", 1, text)
        condition = parse_expression(text, where, known)
        if not isinstance(condition, (sympy.core.relational.Relational, sympy.And, sympy.Or, sympy.Not,
                                      sympy.logic.boolalg.BooleanAtom)):
            raise ModelError(str(where), "must be a condition such as `v >= v_thresh`")
        unit_of(condition, units, where)
        condition = strip_units(condition)
        from .expressions import RandSymbol
        if condition in (sympy.true, sympy.false) or not (condition.atoms(RandSymbol) or condition.free_symbols & {
                sympy.Symbol(x, real=True) for x in self.state_variables + tuple(self.equations.subexpressions)}):
            raise ModelError(str(where), "never changes (always true or always false): it must depend "
                                         "on a state variable (or on rand())")
        return condition

    def _refractory(self, refractory):
        if refractory is None:
            return None
        if isinstance(refractory, str):
            if refractory not in self.units:
                raise ModelError("refractory", f"{refractory!r} must be a duration in ms or a parameter's name")
            if not self.units[refractory].same_dimension(parse_unit("ms")):
                raise ModelError("refractory", f"the parameter {refractory!r} is in {self.units[refractory]}, "
                                               "not a duration (ms)")
            return refractory
        check_nonnegative("refractory", refractory)
        return float(refractory)

    def _initial(self, initial: dict) -> dict:
        out = {x: 0.0 for x in self.state_variables}
        for x, value in initial.items():
            if x not in self.state_variables:
                raise ModelError("initial", f"{x!r} is not a state variable; known: {', '.join(self.state_variables)}")
            if isinstance(value, str) and value.strip() not in self.units:
                out[x] = self._initial_expression(x, value)
                continue
            if isinstance(value, str):
                value = value.strip()
                if not self.units[value].same_dimension(self.all_units[x]):
                    raise ModelError("initial", f"{x} = {value!r} must name a parameter in {self.all_units[x]}")
            elif not isinstance(value, Distribution):
                check_finite(f"initial {x}", value)
            out[x] = value
        return out

    def _initial_expression(self, x: str, text: str):
        """An initial value computed from parameters and the state variables initialized by
        numbers (or earlier), e.g. a gate at its steady state: ``"alpha_m/(alpha_m + beta_m)"``."""
        where = Where(f"initial {x}", 1, text)
        known = set(self.units) | set(self.state_variables) | set(self.equations.subexpressions)
        expr = parse_expression(text, where, known)
        unit = unit_of(expr, self.all_units, where)
        if not (expr.is_Number and expr == 0) and not unit.same_dimension(self.all_units[x]):
            raise ModelError(str(where), f"inconsistent units: {x} is in {self.all_units[x]} but the value is "
                                         f"in {unit}")
        return self.equations.substitute(strip_units(expr))

    def _receptor(self, receptor: str, text: str, known: set, units: dict) -> None:
        if not isinstance(text, str):
            raise ModelError(f"receptor {receptor}", "must be statements using the arriving weight `w`")
        units = dict(units)              # w's unit is inferred from the first statement that uses it
        statements = parse_statements(text, f"receptor {receptor}", known, set(self.state_variables), units,
                                      infer=self.weight_symbol)
        for st in statements:
            if st.op not in ("+=", "-="):
                raise ModelError(str(st.where), "a receptor adds what arrives (+= or -=): the weights "
                                                "arriving in one step are summed before they enter")
        if self.weight_symbol not in units:
            raise ModelError(f"receptor {receptor}, line 1: `{text.strip()}`",
                             f"must use the arriving weight `{self.weight_symbol}`")
        self.receptors[receptor] = statements
        self.weight_units[receptor] = units[self.weight_symbol]

    def __call__(self, **values) -> "EquationModel":
        """A copy of the model with new parameter values (checked like the defaults)."""
        return copy_with_values(self, values, self._check)

    def unit(self, variable: str) -> str:
        return str(self.all_units.get(variable, ""))

    @property
    def recordable(self) -> tuple:
        """What a Monitor may record: the state variables, and the subexpressions that
        draw no noise or rand() (evaluated on the host from recorded state: subexpression_block)."""
        from .expressions import RandSymbol
        out = list(self.state_variables)
        for name in self.equations.subexpressions:
            expr = self.equations.substitute(sympy.Symbol(name, real=True))
            if not expr.atoms(RandSymbol) and not any(is_noise(s.name) for s in expr.free_symbols):
                out.append(name)
        return tuple(out)

    def subexpression_block(self, name: str):
        """The Block (snnkit.modeling.program) computing subexpression ``name`` from the
        state, parameters and built-ins, its output ``name``."""
        from .program import Block
        expr = self.equations.substitute(sympy.Symbol(name, real=True))
        return Block([("_value", expr)], {name: "_value"})

    def __repr__(self) -> str:
        return (f"{self.name}(state {', '.join(self.state_variables)}; method {self.method!r}; "
                f"parameters {self.params!r})")
