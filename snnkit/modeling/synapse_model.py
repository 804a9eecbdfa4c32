"""A synapse model defined by equations and event code (Brian2's ``Synapses(model,
on_pre, on_post)``), the synapse side of the model layer.

    tsodyks_markram = SynapseModel('''
        du/dt = -u/tau_facil : 1 (event-driven)
        dx/dt = (1 - x)/tau_rec : 1 (event-driven)
    ''', on_pre="u = U + u*(1 - U); delivered = w*u*x; x = x - u*x",
        parameters={"U": (0.5, "1"), "tau_rec": (800.0, "ms"), "tau_facil": (0.0, "ms")},
        initial={"u": "U", "x": 1.0})

Each synapse has its own variables: ``dx/dt = f : unit (event-driven)`` (advanced
exactly from the synapse's last event to the present at each event, as Brian2's
event-driven variables: f must be linear with constant coefficients), ``x : unit``
(changed only by the event code) and the weight ``w`` (in the unit of the receptor
the projection targets). ``on_pre`` runs when a presynaptic spike reaches the synapse
(after the projection's axonal delay), ``on_post`` when a postsynaptic spike does
(after the dendritic delay: NEST's semantics, the postsynaptic spike travels back to
the synapse). The value ``on_pre`` assigns to ``delivered`` (default: ``w``) is what
reaches the target's receptor after the dendritic delay. ``rand()`` is a uniform draw in
[0, 1) per synapse and event, from the Philox streams (counter: step, synapse, instance,
SYNAPSE_STREAMS + 16 x projection index). Event code may read the
presynaptic and postsynaptic neurons' variables, ``v_post``, ``x_pre``, and ``t``
(ms); within a step the presynaptic events of a synapse run before its postsynaptic
ones. Parameters take a unit or ``"weight"`` (the weight's unit); their values are
scalars, one per synapse or distributions.

Variables that only one side changes, from what that side holds, are kept once per
neuron where the projection allows (snnkit.modeling.synapse_layout): the same values,
less memory and work. Read from the host, an event-driven variable is its value at
the present, advanced from its last update.

The model is checked against the neurons it connects when a projection uses it
(``bind``): units, unknown names and what may be assigned, each error naming the
part, the line and the term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy

from ..distributions import Distribution
from ..validation import check_finite, check_rule
from .equations import parse_equations
from .model import copy_with_values, parameter_spec
from .expressions import ModelError, Where, parse_expression, parse_statements, strip_units, unit_of
from .program import Block
from .units import MS, parse_unit

WEIGHT, DELIVERED = "w", "delivered"
_NEURON_NAME = re.compile(r"\b[A-Za-z_]\w*_(pre|post)\b")      # v_post, x_pre: known when bound
RESERVED = {"t", "dt", WEIGHT, DELIVERED, "lastupdate", "I_inject", "xi"}


class SynapseModel:
    """A synapse model from equations, event code, parameters and initial values.

    Parameters
    ----------
    equations : str
        Per-synapse variables, one a line (snnkit.modeling.equations): event-driven
        differential equations ``dx/dt = f : unit (event-driven)``, variables
        ``x : unit``, subexpressions. Empty for a synapse without state.
    on_pre, on_post : str
        Statements run at a presynaptic / postsynaptic event (``;`` or newlines).
    parameters : dict
        name -> (default, unit) or (default, unit, rule); unit may be "weight".
    initial : dict
        synapse variable -> a number (its unit), a distribution, a parameter's name or an
        expression of the parameters (``"x0*(1 - u0)"``).
    name : str
    event_order : {"pre_post", "post_pre"}
        Which event of a synapse runs first when both fall in one step: Brian2's order
        (presynaptic first, the default) or NEST's (stdp_synapse applies the
        postsynaptic spikes up to and including the present before the presynaptic one).
    per_neuron : bool
        Hold per presynaptic (postsynaptic) neuron the variables that only on_pre
        (on_post) changes from what that side holds, when a projection allows it
        (snnkit.modeling.synapse_layout): the same values, less memory and work. False:
        every variable per synapse (so that each can be set per synapse).
    update : str
        Statements run for every synapse at every step, after the neurons' step and
        before the step's synapse events (Brian2's clock-driven synaptic equations, as
        its state updater writes them: ``_g = g + dt*(-g/tau); g = _g``). They change the
        synapse's own variables (not event-driven ones) or ``w``; such variables are
        kept per synapse.
    summed : dict, optional
        postsynaptic variable -> an expression per synapse (Brian2's ``(summed)``
        variables: gap junctions ``{"I_gap": "w*(v_pre - v_post)"}``): at the start of
        every step, before any neuron's update, the variable of each postsynaptic neuron
        is set to the sum of the expression over its synapses in this projection (0
        without any), from the values the last step left. It may read w, parameters,
        synapse variables that are not event-driven and neuron variables (x_pre,
        x_post); its unit is the variable's.
    """

    is_synapse_model = True

    def __init__(self, equations: str = "", on_pre: str = "", on_post: str = "", parameters: dict | None = None,
                 initial: dict | None = None, name: str | None = None, event_order: str = "pre_post",
                 per_neuron: bool = True, summed: dict | None = None, update: str = ""):
        for part, text in (("equations", equations), ("on_pre", on_pre), ("on_post", on_post)):
            if not isinstance(text, str):
                raise ModelError(part, f"must be text, not {type(text).__name__}")
        from ..validation import check_choice
        check_choice("event_order", event_order, ("pre_post", "post_pre"))
        self.event_order, self.per_neuron = event_order, bool(per_neuron)
        self.name = name or "SynapseModel"
        self.equations_text, self.on_pre_text, self.on_post_text = equations, on_pre, on_post
        self.summed_text = dict(summed or {})
        if not isinstance(update, str):
            raise ModelError("update", f"must be text, not {type(update).__name__}")
        self.update_text = update
        for target, text in self.summed_text.items():
            if not isinstance(target, str) or not isinstance(text, str):
                raise ModelError("summed", "must map a postsynaptic variable's name to an expression (text)")
        self.specs, self.defaults, self.params = {}, {}, {}
        for pname, spec in (parameters or {}).items():
            self._declare(pname, spec)
        self.params = dict(self.defaults)
        self.initial = dict(initial or {})
        for x, value in self.initial.items():
            if not isinstance(value, (str, Distribution)):
                check_finite(f"{self.name} initial {x}", value)
        self._bound = {}
        if not _NEURON_NAME.search(" ".join((equations, on_pre, on_post, update, *self.summed_text.values()))) \
                and not self.summed_text:
            self._check_now()                          # else when a projection binds it

    def _check_now(self) -> None:
        """The checks that need no neurons, at creation: the model must bind for one of
        the weight units a receptor has (1, nA, uS, mV); else the first one's error."""
        errors = []
        for unit in ("1", "nA", "uS", "mV"):
            try:
                self.bind(parse_unit(unit), {}, {})
                return
            except ModelError as err:
                errors.append(err)
        raise errors[0]

    def _declare(self, pname: str, spec) -> None:
        where = f"parameters[{pname!r}]"
        if not pname.isidentifier() or pname in RESERVED or pname.endswith(("_pre", "_post")):
            raise ModelError(where, f"{pname!r} cannot name a parameter (a Python name other than "
                                    f"{', '.join(sorted(RESERVED))}, not ending in _pre or _post)")
        default, unit_text, rule = parameter_spec(where, spec)
        if unit_text != "weight":
            try:
                parse_unit(unit_text)
            except ValueError as err:
                raise ModelError(where, str(err)) from None
        self.specs[pname] = (unit_text, rule)
        self.check(pname, default)
        self.defaults[pname] = default

    def check(self, pname: str, value) -> None:
        if not isinstance(value, Distribution):
            check_rule(f"{self.name}.{pname}", value, self.specs[pname][1])

    def __call__(self, **values) -> "SynapseModel":
        """A copy with new parameter values."""
        return copy_with_values(self, values, self.check)

    def held(self, per_neuron: bool) -> "SynapseModel":
        """A copy that holds variables per neuron where it can (True) or every variable per
        synapse (False)."""
        copy = copy_with_values(self, {}, self.check)
        copy.per_neuron, copy._bound = bool(per_neuron), {}
        return copy

    def unit(self, pname: str, weight_unit) -> object:
        text = self.specs[pname][0]
        return parse_unit(weight_unit) if text == "weight" else parse_unit(text)

    def bind(self, weight_unit, pre_units: dict, post_units: dict) -> "BoundSynapse":
        """The model checked and compiled for weights in ``weight_unit`` between neurons
        whose variables have ``pre_units`` / ``post_units`` (name -> Unit); cached."""
        weight_unit = parse_unit(weight_unit)
        key = (weight_unit, tuple(sorted(pre_units.items(), key=lambda i: i[0])),
               tuple(sorted(post_units.items(), key=lambda i: i[0])))
        if key not in self._bound:
            self._bound[key] = BoundSynapse(self, weight_unit, pre_units, post_units)
        return self._bound[key]

    def __repr__(self) -> str:
        return f"{self.name}(parameters {self.params!r})"


@dataclass
class BoundSynapse:
    """A SynapseModel checked against its neurons' units: the blocks of its events."""

    model: SynapseModel
    weight_unit: object
    pre_units: dict
    post_units: dict
    variables: list = field(default_factory=list)        # per-synapse state, in order
    event_driven: list = field(default_factory=list)
    plastic_weight: bool = False
    on_pre: Block | None = None
    on_post: Block | None = None
    reads_pre: list = field(default_factory=list)        # neuron variables read (without _pre)
    reads_post: list = field(default_factory=list)
    summed: dict = field(default_factory=dict)           # postsynaptic variable -> Block ("_summed")

    def __post_init__(self):
        model = self.model
        units = {p: model.unit(p, self.weight_unit) for p in model.specs}
        units[WEIGHT] = self.weight_unit
        units.update({f"{x}_pre": u for x, u in self.pre_units.items()})
        units.update({f"{x}_post": u for x, u in self.post_units.items()})
        parameter_units = dict(units)
        if model.equations_text.strip():
            self.equations = parse_equations(model.equations_text, parameter_units)
        else:
            from .equations import Equations
            self.equations = Equations()
        for eq in self.equations.equations:
            used = {s.name for s in eq.expr.free_symbols} & {"I_inject", "xi"}
            if used or any(s.name.startswith("xi_") for s in eq.expr.free_symbols):
                raise ModelError(str(eq.where), f"a synapse has no {sorted(used)[0] if used else 'noise'}")
            if eq.kind == "differential" and "event-driven" not in eq.flags:
                raise ModelError(str(eq.where), "a synapse's differential equation must be (event-driven): "
                                                "it is integrated exactly from one event to the next")
            if eq.kind != "differential" and "event-driven" in eq.flags:
                raise ModelError(str(eq.where), "only a differential equation can be (event-driven)")
        self.variables = list(self.equations.state_variables)
        self.event_driven = [eq.name for eq in self.equations.equations if eq.kind == "differential"]
        units.update({eq.name: eq.unit for eq in self.equations.equations})
        units.update({"t": MS, "dt": MS})
        self.units = units
        self.solutions = event_driven_solutions(self.equations, self.event_driven)
        known = set(units)
        writable = set(self.variables) | {WEIGHT}
        pre = parse_statements(model.on_pre_text, "on_pre", known | {DELIVERED}, writable | {DELIVERED},
                               dict(units, **{DELIVERED: self.weight_unit}))
        post = parse_statements(model.on_post_text, "on_post", known, writable, dict(units))
        every_step = parse_statements(model.update_text, "update", known, writable, dict(units), temporaries=True)
        from .synapse_every_step import summed_blocks, update_block
        self.update, self.update_touched = update_block(self, every_step)
        self.plastic_weight = any(st.target == WEIGHT for st in pre + post + every_step)
        if not any(st.target == DELIVERED for st in pre):
            pre = pre + [_statement(DELIVERED, sympy.Symbol(WEIGHT, real=True))]
        self.pre_statements, self.post_statements, self.has_on_post = pre, post, bool(post)
        self._layouts = {}
        everything = self.layout()                         # every variable per synapse
        self.on_pre, self.on_post = everything.on_pre, everything.on_post
        from .synapse_layout import held_candidates
        self.held_candidates = held_candidates(self)
        self.initial = self._initial()
        self.summed = summed_blocks(self, model, known)
        read = set().union(*[{s for s in b.inputs} for b in (self.on_pre, self.on_post, self.update,
                                                              *self.summed.values()) if b is not None])
        self.reads_pre = sorted(x[:-4] for x in read if x.endswith("_pre") and x[:-4] in self.pre_units)
        self.reads_post = sorted(x[:-5] for x in read if x.endswith("_post") and x[:-5] in self.post_units)
        self.parameters = sorted(p for p in model.specs if p in read)
        # every rand() of the event code: one uniform draw each per synapse and event
        from .expressions import RandSymbol
        self.uniform_inputs = {}
        for side, block in (("pre", self.on_pre), ("post", self.on_post)):
            draws = set()
            for _, expr in (block.steps if block is not None else ()):
                draws |= {s.name for s in expr.atoms(RandSymbol)}
            self.uniform_inputs[side] = sorted(draws, key=lambda name: int(name.rsplit("_", 1)[1]))

    def layout(self, pre_held=(), post_held=()):
        """The events' blocks with ``pre_held`` / ``post_held`` variables held per neuron
        (snnkit.modeling.synapse_layout); cached."""
        key = (tuple(sorted(pre_held)), tuple(sorted(post_held)))
        if key not in self._layouts:
            from .synapse_layout import SynapseLayout
            self._layouts[key] = SynapseLayout(self, *key)
        return self._layouts[key]

    def _initial(self) -> dict:
        out = {x: 0.0 for x in self.variables}
        for x, value in self.model.initial.items():
            if x not in self.variables:
                raise ModelError("initial", f"{x!r} is not a synapse variable; known: "
                                            f"{', '.join(self.variables) or 'none'}")
            if isinstance(value, str) and value.strip() in self.model.specs:
                value = value.strip()
                if not self.units[value].same_dimension(self.units[x]):
                    raise ModelError("initial", f"{x} = {value!r} must name a parameter in {self.units[x]}")
            elif isinstance(value, str):             # an expression of the parameters
                where = Where(f"initial {x}", 1, value)
                expr = parse_expression(value, where, set(self.model.specs))
                unit = unit_of(expr, self.units, where)
                if not (expr.is_Number and expr == 0) and not unit.same_dimension(self.units[x]):
                    raise ModelError(str(where), f"inconsistent units: {x} is in {self.units[x]} but the value "
                                                 f"is in {unit}")
                value = strip_units(expr)
            out[x] = value
        return out


def _statement(target: str, expr):
    from .expressions import Statement
    return Statement(target, "=", expr, Where("on_pre", 0, f"{target} = {expr}"))


def event_driven_solutions(equations, names: list) -> dict:
    """variable -> its value after ``_dt_event`` ms from its current value, exactly: the
    system of the event-driven variables must be linear with constant coefficients
    (parameters only). Each closed form is written so that ``_dt_event = 0`` gives the
    current value even where a time constant is 0 (a Piecewise; a zero time constant
    then means "relaxes at once", as NEST's tau_fac = 0)."""
    if not names:
        return {}
    derivatives = equations.derivatives()
    symbols = [sympy.Symbol(x, real=True) for x in names]
    n = len(names)
    a = sympy.zeros(n, n)
    b = sympy.zeros(n, 1)
    for i, x in enumerate(names):
        expr = sympy.expand(derivatives[x])
        eq = equations[x]
        for j, s in enumerate(symbols):
            coefficient = sympy.diff(expr, s)
            a[i, j] = coefficient
        b[i] = expr.xreplace({s: 0 for s in symbols})
        state = set(symbols) | {sympy.Symbol(v, real=True) for v in equations.state_variables}
        if any(c.free_symbols & state for c in list(a.row(i)) + [b[i]]) or \
                sympy.Symbol("t", real=True) in expr.free_symbols:
            raise ModelError(str(eq.where), "an event-driven equation must be linear in the event-driven "
                                            "variables with constant coefficients (parameters only)")
    h = sympy.Symbol("_dt_event", real=True)
    out = {}
    coupled = [i for i in range(n) if any(a[i, j] != 0 for j in range(n) if j != i)]
    for i, x in enumerate(names):
        if i not in coupled:
            out[x] = _scalar_solution(symbols[i], a[i, i], b[i], h)
    if coupled:
        sub = sorted(set(coupled) | {j for i in coupled for j in range(n) if a[i, j] != 0})
        m = sympy.zeros(len(sub) + 1, len(sub) + 1)
        for r, i in enumerate(sub):
            for c, j in enumerate(sub):
                m[r, c] = a[i, j]
            m[r, len(sub)] = b[i]
        try:
            propagator = sympy.simplify((m * h).exp())
        except Exception as err:          # sympy cannot always find the closed form
            raise ModelError(str(equations[names[coupled[0]]].where),
                             f"the coupled event-driven equations have no closed form sympy can find ({err})")
        vector = sympy.Matrix([symbols[i] for i in sub] + [1])
        values = propagator * vector
        for r, i in enumerate(sub):
            out[names[i]] = sympy.Piecewise((symbols[i], sympy.Le(h, 0)), (values[r], True))
    return out


def _scalar_solution(x, rate, drive, h):
    """x after h for dx/dt = rate*x + drive (constant rate and drive)."""
    if rate == 0:
        return x + drive * h
    fixed = -drive / rate
    decay = sympy.exp(rate * h)
    return sympy.Piecewise((x, sympy.Le(h, 0)), (fixed + (x - fixed) * decay, True)) if drive != 0 else \
        sympy.Piecewise((x, sympy.Le(h, 0)), (x * decay, True))

