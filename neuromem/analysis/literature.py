"""The model's numbers next to published ones, with tolerances stated in advance.

Each :class:`LiteratureTarget` names one quantity the literature reports
(concept cells in the human medial temporal lobe, associative-memory capacity,
the closed forms every engine must match), the published number with its
source, how the model's number is read from a results folder's
``metrics.json``, and the tolerance the comparison uses. The tolerances are
data (:data:`TARGETS`), written before any comparison, and are not tuned to
make a run pass: a failure is a finding and is reported as ``FAIL``.

``metrics.json`` may hold one experiment's metrics (keys at the top level) or
one section per experiment (``{"engram_formation": {...}, ...}``); every
lookup tries the top level first, then each section in sorted order, and the
table names where each number came from. A quantity that no section holds is
reported as "not in these results", never guessed.

Sources
-------
- De Falco, Ison, Fried & Quian Quiroga (2016) Nat. Commun. 7:13408, as
  published in the code of Gastaldi et al. (2021) PLoS Comput. Biol.
  17:e1009691 (:mod:`neuromem.analysis.human`).
- Waydo, Kraskov, Quian Quiroga, Fried & Koch (2006) J. Neurosci. 26:10232
  (~0.5 %); Magyar & Collins (most hippocampal cells ~0.1 %, a minority a few %).
- Quian Quiroga, Kraskov, Koch & Fried (2009) Curr. Biol. 19:1308.
- Ison, Quian Quiroga & Fried (2015) Neuron 87:220.
- Amit, Gutfreund & Sompolinsky (1985) Phys. Rev. Lett. 55:1530 (0.138 N).
- Willshaw, Buneman & Longuet-Higgins (1969) Nature 222:960; Palm (1980)
  Biol. Cybern. 36:19 (ln 2 bits per synapse).
- Lapicque's integrate-and-fire rate, e.g. Gerstner, Kistler, Naud &
  Paninski (2014) Neuronal Dynamics, ch. 1.3; pair STDP: Bi & Poo (1998)
  J. Neurosci. 18:10464, Song, Miller & Abbott (2000) Nat. Neurosci. 3:919.
- Diehl & Cook (2015) Front. Comput. Neurosci. 9:99 (context only).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

from neuromem.analysis.human import DEFALCO2016_STIMULI_PER_SESSION, human_concepts_per_neuron_histogram

__all__ = ["Tolerance", "LiteratureTarget", "CheckRow", "TARGETS", "check_literature", "format_check_table",
           "NOT_IN_RESULTS"]

#: What a row says when no section of the results holds the model's number.
NOT_IN_RESULTS = "not in these results"
_KINDS = ("abs", "factor", "at_least", "at_most", "context")


@dataclass(frozen=True, kw_only=True)
class Tolerance:
    """How close the model's number must be; stated before the comparison.

    Parameters
    ----------
    kind : {"abs", "factor", "at_least", "at_most", "context"}
        ``abs``: ``|model - reference| <= value``; ``factor``: ``reference / value <= model <= reference *
        value``; ``at_least`` / ``at_most``: ``model >= value`` / ``model <= value``; ``context``: shown
        beside the reference, never passed or failed (the tasks differ).
    value : float
        The bound, in the quantity's units (a ratio for ``factor``, > 1).
    """

    kind: str
    value: float = 0.0

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise ValueError(f"Tolerance.kind={self.kind!r} is not one of {_KINDS}")
        if self.kind == "factor" and not self.value > 1.0:
            raise ValueError(f"Tolerance.value={self.value} must be > 1 for kind 'factor'")
        if self.kind == "abs" and not self.value >= 0.0:
            raise ValueError(f"Tolerance.value={self.value} must be >= 0 for kind 'abs'")

    def passes(self, model: float, reference: float | None) -> bool | None:
        """True / False for a pass / fail; None for ``context``."""
        if self.kind == "context":
            return None
        if self.kind == "at_least":
            return model >= self.value
        if self.kind == "at_most":
            return model <= self.value
        if self.kind == "abs":
            return abs(model - reference) <= self.value
        return reference / self.value <= model <= reference * self.value

    def describe(self) -> str:
        """The tolerance in words, as printed in the table."""
        return {"abs": f"within ±{self.value:g}", "factor": f"within a factor {self.value:g}",
                "at_least": f">= {self.value:g}", "at_most": f"<= {self.value:g}",
                "context": "context only"}[self.kind]


@dataclass(frozen=True, kw_only=True)
class LiteratureTarget:
    """One published number and how the model's number is read from ``metrics.json``.

    ``measure(metrics)`` returns ``(value, where, note)`` or None when the
    results do not hold the quantity.
    """

    key: str
    quantity: str
    reference: float | None
    reference_text: str
    source: str
    tolerance: Tolerance
    measure: Callable[[dict], tuple[float, str, str] | None]


@dataclass(frozen=True, kw_only=True)
class CheckRow:
    """One line of the literature check (plain data; ``to_dict`` is what ``metrics.json`` stores)."""

    key: str
    quantity: str
    model: float | None
    model_from: str
    reference: float | None
    reference_text: str
    source: str
    tolerance: str
    status: str
    note: str = ""

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _sections(metrics: dict):
    yield "", metrics
    for name in sorted(metrics):
        if name != "literature_check" and isinstance(metrics[name], dict):
            yield name, metrics[name]


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _scalar(key: str, note: str = "") -> Callable[[dict], tuple[float, str, str] | None]:
    def measure(metrics):
        for name, sec in _sections(metrics):
            if _number(sec.get(key)):
                return float(sec[key]), f"{name}.{key}" if name else key, note
        return None
    return measure


def _multi_concept_share(metrics):
    """Share of responsive neurons answering >= 2 concepts, from the section whose number of concepts shown is
    nearest the recordings' ~94 (a neuron's count grows with the concepts shown): ``concepts_per_responsive_neuron``
    (engram formation) or the six-bin ``concepts_per_neuron_histogram`` (concept cells); ties: sorted order."""
    found = []
    for name, sec in _sections(metrics):
        for key in ("concepts_per_responsive_neuron", "concepts_per_neuron_histogram"):
            dist = sec.get(key)
            if isinstance(dist, list) and dist and all(_number(x) for x in dist) and sum(dist) > 0:
                shown = sec.get("n_concepts")
                gap = abs(shown - DEFALCO2016_STIMULI_PER_SESSION) if _number(shown) else math.inf
                found.append((gap, len(found), name, key, dist, shown))
                break
    if not found:
        return None
    _, _, name, key, dist, shown = min(found)
    note = (f"{int(shown)} concepts shown vs ~{DEFALCO2016_STIMULI_PER_SESSION} in the recordings "
            "(counts grow with the concepts shown)" if _number(shown) else "")
    return float(sum(dist[1:]) / sum(dist)), f"{name}.{key}" if name else key, note


def _association(metrics):
    """``binding_index`` of a run with at most 5 presentations per concept."""
    for name, sec in _sections(metrics):
        k = sec.get("presentations")
        if _number(sec.get("binding_index")) and _number(k):
            where = f"{name}.binding_index" if name else "binding_index"
            if k > 5:
                continue
            return float(sec["binding_index"]), where, f"after K = {int(k)} presentations"
    return None


def _bits_per_parameter(binder: str) -> Callable[[dict], tuple[float, str, str] | None]:
    pattern = re.compile(rf"^capacity/synthetic/{binder}/n_units=(\d+)/bits_per_parameter$")

    def measure(metrics):
        for name, sec in _sections(metrics):
            found = [(int(m.group(1)), k) for k in sec if (m := pattern.match(k)) and _number(sec[k])]
            if found:
                n, k = max(found)
                return float(sec[k]), f"{name}.{k}" if name else k, f"binder {binder}, N = {n} units"
        return None
    return measure


_UNITS = re.compile(r"^units/(?P<condition>novel|synthetic-94)/stdp/k=(\d+)/(?P<metric>\w+)$")


def _stdp_units(metric: str) -> Callable[[dict], tuple[float, str, str] | None]:
    """A ``compare-binding`` run's ``stdp`` units (its 94-concept condition, or novel concepts in a run written
    before it had one), at its largest K."""
    def measure(metrics):
        for name, sec in _sections(metrics):
            found: dict[int, dict[str, float]] = {}
            cond = "novel"
            for k, v in sec.items():
                m = _UNITS.match(k)
                if m and m.group("metric").startswith(metric) and not k.endswith("_ci95") and _number(v):
                    found.setdefault(int(m.group(2)), {})[m.group("metric")] = float(v)
                    cond = m.group("condition")
            K = max(found, default=None)
            if K is None or (metric.startswith("concepts") and sum(found[K].values()) <= 0):
                continue
            vals = found[K]  # concepts per unit: bins 1, 2, ...; the share answering >= 2
            value = (1.0 - vals.get(f"{metric}_1", 0.0) / sum(vals.values()) if metric.startswith("concepts")
                     else vals[metric])
            return (value, f"{name + '.' if name else ''}units/{cond}/stdp/k={K}/{metric}",
                    f"compare-binding, stdp units, {'94 synthetic' if cond != 'novel' else 'novel'} concepts, K = {K}")
        return None
    return measure


def _first(*measures) -> Callable[[dict], tuple[float, str, str] | None]:
    """The first measure that finds a number (engram experiment first, then the binder comparison)."""
    return lambda metrics: next((r for r in (m(metrics) for m in measures) if r is not None), None)


_HUMAN_MULTI = float(1.0 - human_concepts_per_neuron_histogram()[0])

#: Every comparison, with its tolerance stated in advance (see the module docstring for the full sources).
TARGETS: tuple[LiteratureTarget, ...] = (
    LiteratureTarget(
        key="concepts_per_neuron", quantity="share of responsive neurons answering >= 2 concepts",
        reference=_HUMAN_MULTI, reference_text=f"{_HUMAN_MULTI:.3f} (688 responsive of 4,066 units)",
        source="De Falco et al. 2016, via Gastaldi et al. 2021", tolerance=Tolerance(kind="abs", value=0.15),
        measure=_first(_multi_concept_share, _stdp_units("concepts_per_responsive_unit"))),
    LiteratureTarget(
        key="mtl_sparseness", quantity="population sparseness (fraction of neurons answering a stimulus)",
        reference=0.005, reference_text="~0.5 % (most cells ~0.1 %, a minority a few %)",
        source="Waydo et al. 2006; Magyar & Collins", tolerance=Tolerance(kind="factor", value=3.0),
        measure=_first(_scalar("population_sparseness"), _stdp_units("population_sparseness"))),
    LiteratureTarget(
        key="invariance", quantity="invariance index, pictures vs written names",
        reference=None, reference_text="the same neuron answers a person's pictures, written and spoken name",
        source="Quian Quiroga et al. 2009", tolerance=Tolerance(kind="at_least", value=0.5),
        measure=_first(_scalar("invariance_index"), _stdp_units("invariance_index"))),
    LiteratureTarget(
        key="association_few_pairings", quantity="binding index after <= 5 paired presentations",
        reference=None, reference_text="associations form within one or a few pairings",
        source="Ison et al. 2015", tolerance=Tolerance(kind="at_least", value=0.5), measure=_association),
    LiteratureTarget(
        key="hopfield_capacity", quantity="bits stored per plastic synapse (stdp binder)",
        reference=0.138, reference_text="0.138 N patterns for N neurons (0.138 bits per synapse)",
        source="Amit, Gutfreund & Sompolinsky 1985", tolerance=Tolerance(kind="at_least", value=0.0138),
        measure=_bits_per_parameter("stdp")),
    LiteratureTarget(
        key="willshaw_capacity", quantity="bits stored per plastic synapse (stdp binder)",
        reference=math.log(2), reference_text="ln 2 = 0.693 bits per synapse (sparse binary memory)",
        source="Willshaw et al. 1969; Palm 1980", tolerance=Tolerance(kind="at_least", value=0.0693),
        measure=_bits_per_parameter("stdp")),
    LiteratureTarget(
        key="lif_rate", quantity="largest relative error of the LIF rate vs its closed form (1.1-5x rheobase)",
        reference=0.0, reference_text="closed-form LIF rate f(I)", source="Lapicque; Gerstner et al. 2014",
        tolerance=Tolerance(kind="at_most", value=0.02), measure=_scalar("lif_rate_max_relative_error")),
    LiteratureTarget(
        key="stdp_window", quantity="largest relative error of the pair-STDP window vs its closed form",
        reference=0.0, reference_text="A+ exp(-Δt/τ+), -A- exp(Δt/τ-)", source="Bi & Poo 1998; Song et al. 2000",
        tolerance=Tolerance(kind="at_most", value=0.05), measure=_scalar("stdp_window_max_relative_error")),
    LiteratureTarget(
        key="diehl_cook_classifier", quantity="picture -> name recall@1 through the spiking layer",
        reference=0.95, reference_text="95 % on MNIST with 6,400 neurons (reproductions 77-92 %)",
        source="Diehl & Cook 2015", tolerance=Tolerance(kind="context"),
        measure=_scalar("picture_to_name_network_recall_at_1", "another task: context, not a pass/fail")),
)


def check_literature(metrics: dict, targets=TARGETS) -> list[CheckRow]:
    """Compare a results folder's metrics with every target.

    Parameters
    ----------
    metrics : dict
        The parsed ``metrics.json`` (one experiment, or one section per experiment).
    targets : sequence of LiteratureTarget

    Returns
    -------
    list of CheckRow
        ``status`` is ``"pass"``, ``"FAIL"``, ``"context"`` or :data:`NOT_IN_RESULTS`.
    """
    if not isinstance(metrics, dict):
        raise ValueError(f"metrics must be a dict (parsed metrics.json); got {type(metrics).__name__}")
    rows = []
    for t in targets:
        found = t.measure(metrics)
        if found is None:
            value, where, note, status = None, "", "", NOT_IN_RESULTS
        else:
            value, where, note = found
            ok = t.tolerance.passes(value, t.reference)
            status = "context" if ok is None else ("pass" if ok else "FAIL")
        rows.append(CheckRow(key=t.key, quantity=t.quantity, model=value, model_from=where, reference=t.reference,
                             reference_text=t.reference_text, source=t.source, tolerance=t.tolerance.describe(),
                             status=status, note=note))
    return rows


def format_check_table(rows) -> str:
    """The check as a markdown table (one line per target, failures shown as ``FAIL``)."""
    lines = ["| quantity | model | reference | source | tolerance | result |", "|---|---|---|---|---|---|"]
    for r in rows:
        model = NOT_IN_RESULTS if r.model is None else f"{r.model:.4g}" + (f" ({r.note})" if r.note else "")
        lines.append(f"| {r.quantity} | {model} | {r.reference_text} | {r.source} | {r.tolerance} | "
                     f"{r.status} |")
    return "\n".join(lines)
