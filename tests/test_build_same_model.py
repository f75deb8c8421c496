"""The build's shortcuts give the model the plain way of writing it gives, term for term and in the same order.

:func:`fingerprint` writes a built model out whole (columns, rows with their terms in order, the objective
terms and the registries); the build of the headline plan was checked against it before and after it was made
faster.  Here it shows that the model does not depend on the order of hashing, and the shortcuts are checked
against the plain helpers they stand for.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from planfactory import cohort, plan, role, source

from rolemix.inputs import Copilot, PlanInput, Ratio, ReskillPath, Unit, WorkType
from rolemix.model.build import PlanModel, build_model, linear
from rolemix.model.data import ModelData
from rolemix.model.lp import Column, Expression, Problem


def _f(x: object) -> str:
    return x.hex() if isinstance(x, float) else repr(x)


def _terms(items: Iterable[tuple[Column, float]]) -> str:
    return " ".join(f"{c.index}:{_f(v)}" for c, v in items)


def fingerprint(m: PlanModel) -> str:
    """Every column, every row with its terms in order, the objective terms and the registries, as text."""
    out = [f"C {c.index} {c.name} {_f(c.lower)} {_f(c.upper)} {c.integer}" for c in m.problem.columns]
    out += [
        f"R {r.index} {r.name} {r.sense} {_f(r.rhs)} {_f(r.expr.constant)} | {_terms(r.expr.items())}"
        for r in m.problem.rows
    ]
    for term in ("cost", "layoffs", "unmet"):
        e = m.term(term)
        out.append(f"T {term} {_f(e.constant)} | {_terms(e.items())}")
    for name in ("headcount", "hires", "layoffs", "starts", "reduced", "seats", "allocated", "idle", "served",
                 "ext_units", "unmet", "unit_sums"):
        out.append(f"G {name} " + " ".join(f"{k!r}={v.index}" for k, v in getattr(m, name).items()))
    out.append("U " + " ".join(f"{c.index}={u}" for c, u in m.unit_of.items()))
    out.append("P " + " ; ".join(f"{k!r}: {_terms(v)}" for k, v in m.cost_pairs.items()))
    out.append("K " + " ".join(f"{k!r}={_f(v)}" for k, v in m.cost_constant.items()))
    out += [
        f"L {p.family} {p.name} {p.period} {p.subject} {p.sense} {_f(p.rhs)} {p.measure} {_f(p.limit)} "
        f"{p.constraint.index} {p.slack.index if p.slack else None} {p.work_type} {p.segment} {p.share}"
        for p in m.policies
    ]
    out.append("W " + " ".join(f"{r.index}={u}" for r, u in m.unit_rows))
    return "\n".join(out)


def every_family() -> PlanInput:
    """Three units in two segments, three roles, every family and policy, and coefficients of 0."""
    units = (Unit("N1", "North", "SMB"), Unit("S1", "South", "Ent"), Unit("N2", "North", "SMB"))
    works = (
        WorkType("sales", unmet_penalty_per_hour=100.0),
        WorkType("care", unmet_penalty_per_hour=50.0, must_meet=True),
    )
    roles = (
        role("Seller", attrition_per_year=0.2, first_year_attrition_per_year=0.4, hires_cap=5.0, ramp_periods=2,
             ramp_productivity=0.25, layoff_cap_share=0.1, severance=300.0, hiring_cost=50.0, reduced_hours_cap=3.0,
             reduced_hours_cost_per_year=10.0),
        role("Engineer", loaded_cost_per_year=2400.0, surplus_cost_per_year=100.0, hires_cap=0.0,
             reduced_hours_cap=2.0, reduced_hours_fte=1.0),
        role("Nobody", hours_per_period=0.0, surplus_cost_per_year=50.0, ramp_periods=1, ramp_productivity=0.5),
    )
    demand = {}
    for i, u in enumerate(("N1", "S1", "N2")):
        for t in range(1, 5):
            demand[u, "sales", t] = 1000.0 + 10 * i + t
            demand[u, "care", t] = 0.0 if (i + t) % 3 == 0 else 300.0 + t
    return plan(
        roles=roles,
        units=units,
        work_types=works,
        start=tuple(cohort(r, u, 10.0, under_one_year=2.0) for r in ("Seller", "Engineer", "Nobody")
                    for u in ("N1", "S1", "N2")),
        demand=demand,
        effectiveness=(("Engineer", "care", 0.9), ("Seller", "sales", 1.0), ("Nobody", "sales", 0.5),
                       ("Seller", "care", 0.7)),
        paths=(
            ReskillPath("Up", "Seller", "Engineer", cost_per_person=70.0, duration=2, completion_rate=0.8,
                        seats_per_period=3.0, cap_share_of_target=0.5, coaching_hours=15.0,
                        min_skills=(("Tech", 3.0),), eligible=(("N1", 6.0), ("S1", 0.0))),
            ReskillPath("Side", "Engineer", "Seller", cost_per_person=20.0, duration=1, non_completers="leave",
                        coaching_hours=5.0),
        ),
        sources=(
            source(share=0.4, adoption=(0.5, 1.0, 1.0, 0.0), cost_per_unit=90.0, hours_per_unit=120.0,
                   max_units=9.0),
            source("Partner", share=0.3, segment="Ent", work="care", adoption=(1.0,) * 4, existing_units=2.0),
        ),
        copilots=(Copilot("Pilot", "Seller", 8.0, 0.2, (0.0, 0.5, 1.0, 1.0)),),
        ratios=(Ratio("SMB", "Engineer", "Seller", minimum=0.1, maximum=2.0),),
        budget=(10_000.0, None, 5e5, 1e6),
        policy={"layoff_cap_share": 0.05, "layoff_cap_people": 4.0, "surplus_cap": 10.0,
                "min_human_share": (("SMB", 0.6), ("Ent", 0.5), ("SMB", 0.3))},
        periods=4,
        period_length="quarter",
    )


def _digest() -> str:
    data = ModelData.from_input(every_family())
    text = "\n".join(fingerprint(build_model(data, whole_people=True, mode=mode)) for mode in ("plan", "elastic"))
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_model_does_not_depend_on_the_order_of_hashing() -> None:
    # Names hash differently in every process: the build must not iterate a set or a dictionary keyed by
    # them in an order the hashes decide.
    here = Path(__file__).parent
    code = "import test_build_same_model as t; print(t._digest())"
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=here,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(here)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1


def test_every_family_is_built() -> None:
    # The plan the hashing test builds reaches every shortcut of the build.
    m = build_model(ModelData.from_input(every_family()), whole_people=True)
    names = [row.name for row in m.problem.rows]
    for family in ("headcount", "capacity", "coverage", "external_hours", "reduced_within", "seats_within",
                   "sum_human_hours", "sum_layoff_margin", "sum_spending", "layoff_cap_people", "surplus_cap",
                   "human_share", "max_units", "role_layoff_cap", "budget"):
        assert any(name.startswith(family + "_") for name in names), family
    assert any(row.name.startswith("capacity") for row, _ in m.unit_rows)  # rows that give coaching hours


def test_linear_sums_repeats_in_first_order_and_leaves_out_zeros() -> None:
    a, b, c = (Column(i, f"x{i}", 0.0, None, False) for i in range(3))
    expr = linear([(a, 1.0), (b, 2.0), (a, 0.5), (c, 0.0), (b, -2.0)], constant=3.0)
    assert list(expr.items()) == [(a, 1.5)] and expr.constant == 3.0
    assert Expression([(a, 1.0)]).constant == 0.0 and linear([(a, 1.0)]).constant == 0.0


def test_one_cost_term_is_booked_as_a_list_of_one() -> None:
    data = ModelData.from_input(every_family())
    a, b = (Column(i, f"x{i}", 0.0, None, False) for i in range(2))
    plain, short = (PlanModel(data=data, mode="plan", whole_people=True, problem=Problem()) for _ in range(2))
    plain.cost("salaries", 1, [(a, 2.0)])
    plain.cost("hiring", 1, [(b, 3.0)])
    plain.cost("salaries", 1, [(b, 4.0)])
    short.cost_term("salaries", 1, a, 2.0)
    short.cost_term("hiring", 1, b, 3.0)
    short.cost_term("salaries", 1, b, 4.0)
    assert list(plain.cost_pairs.items()) == list(short.cost_pairs.items())
    assert list(plain.cost_constant.items()) == list(short.cost_constant.items())


def test_sums_by_unit_of_grouped_terms_are_those_of_by_unit() -> None:
    data = ModelData.from_input(every_family())
    plain, short = (build_model(data, whole_people=True) for _ in range(2))
    pairs = [(v, 2.0) for (_, _, t), v in plain.headcount.items() if t == 2]
    grouped: dict[str, list[tuple[Column, float]]] = {}
    for (_, unit, t), v in short.headcount.items():
        if t == 2:
            grouped.setdefault(unit, []).append((v, 2.0))
    out_plain = plain.by_unit("check", 2, pairs)
    out_short = short.by_unit_grouped("check", 2, grouped)
    assert [(c.index, x) for c, x in out_plain] == [(c.index, x) for c, x in out_short]
    assert fingerprint(plain) == fingerprint(short)
