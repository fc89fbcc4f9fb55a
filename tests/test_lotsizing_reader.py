"""The capacitated lot-sizing benchmark: `.DAT` reader and the direct HiGHS model.

`benchmarks` is not a package: pytest puts it on the path (`pythonpath` in pyproject.toml) and
mypy checks its files as top-level modules, so `import lotsizing` works for both.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import evramp
import lotsizing


def write_dat(
    path: Path,
    capacity: float,
    items: Sequence[tuple[float, float, float, float]],
    demand: Sequence[Sequence[float]],  # [item][period]
    footer: bool = True,
) -> Path:
    """Write an instance in the Trigeiro layout: demand rows of items 1..15, then rows of 16..n."""
    n, periods = len(items), len(demand[0])
    lines = [f"{n:5d}{periods:5d}", "    1", f"{capacity:5g}"]
    lines += [f" {b:.2f} {h:.2f} {st:4.0f}. {sc:4.0f}." for b, h, st, sc in items]
    for first in range(0, n, 15):
        for t in range(periods):
            lines.append("".join(f"{demand[i][t]:5g}" for i in range(first, min(n, first + 15))))
    if footer:
        lines += ["  Bi   hi   su   su", "           time cost"]
    path.write_text("\n".join(lines) + "\n")
    return path


# 2 items × 3 periods, capacity 60 per period, b = 1.
#   item 1: h 1, setup time 10, setup cost 100, demand 20 20 20
#   item 2: h 2, setup time 10, setup cost 30,  demand 10 10 30
TINY_ITEMS = [(1.0, 1.0, 10.0, 100.0), (1.0, 2.0, 10.0, 30.0)]
TINY_DEMAND = [[20.0, 20.0, 20.0], [10.0, 10.0, 30.0]]


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_dat(tmp_path / "TINY.DAT", 60, TINY_ITEMS, TINY_DEMAND)


def test_reads_tiny_instance(tiny: Path) -> None:
    instance = lotsizing.read_instance(tiny)
    assert (instance.name, instance.n, instance.T) == ("TINY", 2, 3)
    np.testing.assert_array_equal(instance.capacity, [60, 60, 60])
    np.testing.assert_array_equal(instance.b, [1, 1])
    np.testing.assert_array_equal(instance.h, [1, 2])
    np.testing.assert_array_equal(instance.setup_time, [10, 10])
    np.testing.assert_array_equal(instance.setup_cost, [100, 30])
    np.testing.assert_array_equal(instance.demand, TINY_DEMAND)


def test_footer_is_optional(tmp_path: Path) -> None:
    path = write_dat(tmp_path / "BARE.DAT", 60, TINY_ITEMS, TINY_DEMAND, footer=False)
    np.testing.assert_array_equal(lotsizing.read_instance(path).demand, TINY_DEMAND)


def test_more_than_15_items_use_a_second_block_of_rows(tmp_path: Path) -> None:
    items = [(1.0 + i / 10, 1.0, 10.0, 100.0) for i in range(17)]
    demand = [[100.0 * (i + 1) + t for t in range(4)] for i in range(17)]
    path = write_dat(tmp_path / "G17.DAT", 3000, items, demand)
    rows = path.read_text().splitlines()
    assert len(rows[3 + 17].split()) == 15  # first block: items 1..15
    assert len(rows[3 + 17 + 4].split()) == 2  # second block: items 16..17
    instance = lotsizing.read_instance(path)
    assert instance.demand.shape == (17, 4)
    np.testing.assert_array_equal(instance.demand, demand)
    np.testing.assert_allclose(instance.b, [1.0 + i / 10 for i in range(17)])


def test_tr6_15_sets_every_b_to_1_on_a_6_by_15_instance(tmp_path: Path) -> None:
    items = [(0.5 + 0.2 * i, 1.0, 20.0, 400.0) for i in range(6)]
    path = write_dat(tmp_path / "G30.DAT", 728, items, [[100.0] * 15 for _ in range(6)])
    assert lotsizing.read_instance(path).b[0] == 0.5
    np.testing.assert_array_equal(lotsizing.read_instance(path, tr6_15=True).b, np.ones(6))
    with pytest.raises(ValueError, match="tr6_15"):
        lotsizing.read_instance(
            write_dat(tmp_path / "X.DAT", 60, TINY_ITEMS, TINY_DEMAND), tr6_15=True
        )


@pytest.mark.parametrize(
    ("line", "replacement", "message"),
    [
        (1, "    2", r"TINY\.DAT:1: expected 2 numbers"),
        (2, "    2", r"TINY\.DAT:2: expected the constant 1"),
        (3, "  -60", r"TINY\.DAT:3: capacity must be positive"),
        (5, " 1.00 2.00  10. abc", r"TINY\.DAT:5: expected numbers"),
        (5, " 0.00 2.00  10. 30.", r"TINY\.DAT:5: item 2: b must be positive"),
        (7, "   20", r"TINY\.DAT:7: expected 2 numbers \(period 2 demands of items 1\.\.2\)"),
        (8, "   20   -1", r"TINY\.DAT:8: negative demand"),
        (9, "   20   10", r"TINY\.DAT:9: expected the text footer"),
    ],
)
def test_malformed_file_names_the_line(
    tiny: Path, line: int, replacement: str, message: str
) -> None:
    rows = tiny.read_text().splitlines()
    rows[line - 1] = replacement
    tiny.write_text("\n".join(rows) + "\n")
    with pytest.raises(ValueError, match=message):
        lotsizing.read_instance(tiny)


def test_truncated_file_names_the_line(tiny: Path) -> None:
    tiny.write_text("\n".join(tiny.read_text().splitlines()[:7]) + "\n")
    with pytest.raises(ValueError, match=r"TINY\.DAT:8: unexpected end of file"):
        lotsizing.read_instance(tiny)


def test_solve_direct_on_the_hand_computed_instance(tiny: Path) -> None:
    # Period 1 needs both setups (demand in period 1, no initial stock): 20 of the 60 units of
    # capacity go to setup times, so at most 40 units are made in period 1.
    # Item 1 alone, uncapacitated, would make all 60 units in period 1 (100 + 20·1 + 20·2 = 160),
    # but that needs 60 > 40 units. Its cheapest capacity-feasible plans set up twice:
    # {1, 2} making 20, 40, 0 (200 + 20 held one period = 220) or {1, 3} making 40, 0, 20 (220).
    # Item 2's uncapacitated optimum sets up in {1, 3} making 20, 0, 30 (60 + 2·10 held = 80;
    # {1} costs 30 + 2·10 + 4·30 = 170, {1, 2} 60 + 2·30 = 120, {1, 2, 3} 90).
    # So 220 + 80 = 300 is a lower bound, and item 1 {1, 2} with item 2 {1, 3} reaches it:
    # period 1 uses 10 + 10 + 20 + 20 = 60, period 2 10 + 40 = 50, period 3 10 + 30 = 40.
    # (Item 1 {1, 3} with item 2 {1, 3} would need 20 + 40 + 20 = 80 in period 1.)
    # Optimum: 300 (uncapacitated it would be 160 + 80 = 240).
    result = lotsizing.solve_direct(lotsizing.read_instance(tiny), time_limit=10)
    assert result.status == "Optimal"
    assert result.objective == pytest.approx(300.0)
    assert result.gap == pytest.approx(0.0, abs=1e-9)
    assert result.production is not None and result.setups is not None
    np.testing.assert_allclose(result.production, [[20, 40, 0], [20, 0, 30]], atol=1e-6)
    np.testing.assert_array_equal(result.setups, [[1, 1, 0], [1, 0, 1]])


def _check_plan(instance: lotsizing.Instance, result: lotsizing.DirectResult) -> float:
    """Check the plan against the instance independently of the model; return its cost."""
    assert result.production is not None and result.setups is not None
    x, y = result.production, result.setups
    stock = np.cumsum(x - instance.demand, axis=1)
    assert stock.min() >= -1e-6  # no backlog, no initial stock
    assert np.all((x <= 1e-6) | (y == 1))  # production needs a setup
    load = instance.b @ x + instance.setup_time @ y
    assert np.all(load <= instance.capacity + 1e-6)
    return float(instance.setup_cost @ y.sum(axis=1) + instance.h @ stock.sum(axis=1))


def test_smallest_real_instance_is_solved_to_optimality() -> None:
    path = lotsizing.DEFAULT_DATA / "G30.DAT"
    if not path.is_file():
        pytest.skip(
            f"lot-sizing data not found at {lotsizing.DEFAULT_DATA} (kept outside the repo)"
        )
    instance = lotsizing.read_instance(path)
    assert (instance.n, instance.T) == (6, 15)
    result = lotsizing.solve_direct(instance, time_limit=30)
    assert result.status == "Optimal"
    assert result.objective == pytest.approx(_check_plan(instance, result), abs=1e-6)
    # Neither the README nor the file footer gives an optimum to compare with. 37809 is the
    # optimum solve_direct proves (gap 0); it guards the reader and the model against regressions.
    assert result.objective == pytest.approx(37809.0, abs=1e-6)


def test_evramp_plans_the_hand_computed_instance_to_the_same_optimum(tiny: Path) -> None:
    """The instance as an evramp scenario, integer mode with setups: the same optimum of 300,
    every order on time, the same production."""
    instance = lotsizing.read_instance(tiny)
    ours = lotsizing.solve_with_evramp(instance, time_limit=30)
    assert ours.status == "Optimal"
    assert ours.on_time
    assert ours.objective == pytest.approx(300.0, abs=1e-6)
    scenario = lotsizing.to_scenario(instance)
    plan = evramp.plan(scenario, integer=True, mip_gap=0.0)
    made = plan.output.pivot_table(index="variant", columns="week", values="quantity").fillna(0)
    np.testing.assert_allclose(made.to_numpy(), [[20, 40, 0], [20, 0, 30]], atol=1e-6)
