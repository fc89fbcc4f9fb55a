"""Entity tables take subsets of all their fields at once and refuse misaligned fields."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import evramp
from evramp.plan import lp as lp_module
from evramp.plan.chain import FreePartsInverse, planner_chain
from evramp.plan.index import compile_scenario
from evramp.plan.lp import build_lp
from evramp.plan.objective import objective_terms
from evramp.plan.reduce import find_free_parts, just_in_time_purchases, without_free_parts
from evramp.plan.solve import solve
from evramp.plan.tables import EntityTable, SupplierLines


def lines(count: int) -> SupplierLines:
    numbers = np.arange(count, dtype=np.float64)
    return SupplierLines(
        supplier=[f"S{n}" for n in range(count)],
        item=np.arange(count, dtype=np.int64),
        lead_time=np.zeros(count, dtype=np.int64),
        price=numbers,
        capacity=np.outer(numbers, np.ones(3)),
        moq=numbers,
        lot=numbers,
        share=numbers,
        premium=numbers,
    )


def named_lines(table: SupplierLines, items: list[str]) -> list[tuple[str, str]]:
    return [(supplier, items[i]) for supplier, i in zip(table.supplier, table.item, strict=True)]


def test_a_subset_takes_the_same_rows_of_every_field() -> None:
    table = lines(5)
    taken = table.subset(np.array([True, False, True, False, True]))
    assert taken.supplier == ["S0", "S2", "S4"]
    for field in dataclasses.fields(SupplierLines):
        value = getattr(taken, field.name)
        assert len(value) == len(taken) == 3, field.name
    assert taken.capacity.tolist() == [[0.0] * 3, [2.0] * 3, [4.0] * 3]
    assert table.subset(np.array([3, 1], dtype=np.int64)).supplier == ["S3", "S1"]


def test_fields_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        dataclasses.replace(lines(3), price=np.zeros(2))


def test_every_planner_table_is_an_entity_table_and_the_reduction_keeps_them_aligned() -> None:
    data = compile_scenario(evramp.load_scenario("yizhuang"))
    reduced = without_free_parts(data, free := find_free_parts(data))
    assert len(free) > 0
    for name in ("items", "made", "bom", "shops", "routings", "lines"):
        assert isinstance(getattr(reduced, name), EntityTable), name
    assert len(reduced.items) == len(data.items) - len(free)
    kept = [i for i in data.items.ids if i not in {data.items.ids[f] for f in free.item}]
    assert reduced.items.ids == kept
    # Every supplier line still names its own item after the renumbering.
    before = set(named_lines(data.lines, data.items.ids))
    after = set(named_lines(reduced.lines, reduced.items.ids))
    assert after <= before and len(after) == len(reduced.lines)


def test_the_cost_breakdown_is_the_lp_objective_term_by_term() -> None:
    """One list of terms serves both: each term's share of the LP's cost vector times the
    solution is the breakdown's figure for it."""
    scenario = evramp.load_scenario("yizhuang")
    result = evramp.plan(scenario)
    costs = result.costs
    total = sum(value for name, value in costs.items() if name != "revenue") - costs["revenue"]
    assert total == pytest.approx(result.objective, rel=1e-9)
    assert [term.name for term in objective_terms(compile_scenario(scenario))] == [
        "revenue", "purchases", "purchases", "preference", "holding", "lateness", "overtime",
        "setups",
    ]  # fmt: skip
    assert set(costs) == {"revenue", "purchases", "preference", "holding", "lateness",
                          "overtime", "setups"}  # fmt: skip


def test_a_constraint_family_out_of_step_with_its_block_is_refused() -> None:
    data = compile_scenario(evramp.load_scenario("yizhuang"))
    lp = build_lp(data)
    families = list(lp_module._families(data, lp.columns))
    short = families[1]
    families[1] = dataclasses.replace(short, entities=short.entities + 1)
    with pytest.raises(ValueError, match="constraint family shops"):
        lp_module._stack(tuple(families), lp.columns.count)


def test_the_chain_inverts_the_free_parts_to_the_full_plan() -> None:
    """The chain's way back gives every supplier line and item of the scenario, the free parts
    bought just in time: their purchases equal what the builds consume, released a lead time
    ahead; and the LP's named bounds are the rows and columns they say."""
    data = compile_scenario(evramp.load_scenario("yizhuang"))
    reduced = planner_chain().apply(data)
    assert reduced.parts_outside > 0
    lp = build_lp(reduced.data)
    arrays = reduced.expand(lp, solve(lp))
    assert arrays.buy.shape == (len(data.lines), data.bucket_count)
    assert arrays.stock.shape == (len(data.items), data.bucket_count)
    [inverse] = reduced.inverses
    assert isinstance(inverse, FreePartsInverse)
    free_lines = inverse.free.line
    expected = just_in_time_purchases(data, inverse.free, arrays.build)
    assert np.allclose(arrays.buy[free_lines], expected[free_lines])
    assert arrays.buy[free_lines].sum() > 0
    shops = lp.bound("shop_capacity")
    assert shops.index.tolist() == list(range(lp.rows.shops.offset, lp.rows.shops.stop))
    lines = lp.bound("release_capacity", np.array([2, 0]))
    assert lines.base.tolist() == [
        lp.col_upper[lp.columns.buy.at(2, np.arange(data.bucket_count))].tolist(),
        lp.col_upper[lp.columns.buy.at(0, np.arange(data.bucket_count))].tolist(),
    ]
    with pytest.raises(KeyError, match="no bound named"):
        lp.bound("paint")
