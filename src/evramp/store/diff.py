"""The input rows two revisions differ in: per table, rows added, removed, and changed field
by field (rows matched by their key: `shops` by id, `bom` by parent and child, ...)."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

import polars as pl

from evramp.model.scenario import TABLE_BY_NAME
from evramp.store.rows import Content, TableRows


@dataclass(frozen=True)
class RowChange:
    """One row that differs: `key` names it (the key's values joined by `:`, as `--set`
    addresses it), `fields` holds (field, old, new) for a changed row."""

    table: str
    key: str
    change: str
    """`added`, `removed` or `changed`."""
    fields: tuple[tuple[str, str, str], ...] = ()


def diff(old: Content, new: Content) -> list[RowChange]:
    """Every row (and header field) that differs from `old` to `new`, table by table."""
    changes = _header_changes(old, new)
    for name in TABLE_BY_NAME:
        before, after = old.tables.get(name), new.tables.get(name)
        if before is None or after is None or before.live == after.live:
            continue
        changes.extend(_table_changes(name, before, after))
    return changes


def _header_changes(old: Content, new: Content) -> list[RowChange]:
    flat_old, flat_new = _flat(old.header), _flat(new.header)
    fields = tuple(
        (key, flat_old.get(key, ""), flat_new.get(key, ""))
        for key in sorted(flat_old.keys() | flat_new.keys())
        if flat_old.get(key) != flat_new.get(key)
    )
    return [RowChange("scenario.yaml", "", "changed", fields)] if fields else []


def _flat(header: object, prefix: str = "") -> dict[str, str]:
    if isinstance(header, dict):
        flat: dict[str, str] = {}
        for key, value in header.items():
            flat.update(_flat(value, f"{prefix}{key}."))
        return flat
    return {prefix.removesuffix("."): "" if header is None else str(header)}


def _frame(table: TableRows) -> pl.DataFrame:
    text = "\n".join([table.columns, *table.live, ""])
    frame = pl.read_csv(io.StringIO(text), infer_schema=False)
    return frame.with_columns(pl.all().fill_null(""))


def _table_changes(name: str, before: TableRows, after: TableRows) -> list[RowChange]:
    key = list(TABLE_BY_NAME[name].key)
    old, new = _frame(before), _frame(after)
    if not _unique(old, key) or not _unique(new, key) or old.columns != new.columns:
        return _line_changes(name, before, after)
    columns = old.columns
    old = old.with_columns(pl.concat_str(key, separator=":").alias("_key"), _in=pl.lit(True))
    new = new.with_columns(pl.concat_str(key, separator=":").alias("_key"), _in=pl.lit(True))
    joined = old.join(new, on="_key", how="full", suffix="_new", coalesce=True)
    joined = joined.filter(
        pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}_new")) for c in ["_in", *columns])
    )
    changes: list[RowChange] = []
    for row in joined.iter_rows(named=True):
        if row["_in_new"] is None:
            changes.append(RowChange(name, row["_key"], "removed"))
        elif row["_in"] is None:
            changes.append(RowChange(name, row["_key"], "added"))
        else:
            fields = tuple(
                (column, row[column], row[f"{column}_new"])
                for column in columns
                if row[column] != row[f"{column}_new"]
            )
            if fields:
                changes.append(RowChange(name, row["_key"], "changed", fields))
    return changes


def _unique(frame: pl.DataFrame, key: list[str]) -> bool:
    return frame.select(key).is_unique().all()


def _line_changes(name: str, before: TableRows, after: TableRows) -> list[RowChange]:
    """Rows compared as whole lines, for a table whose key may repeat (actuals)."""
    old, new = Counter(before.live), Counter(after.live)
    removed = [RowChange(name, line, "removed") for line in (old - new).elements()]
    return removed + [RowChange(name, line, "added") for line in (new - old).elements()]
