"""Warehouses and their bins: a location and every location under it, at any depth, in SQL.

A filter by location means the place and what it contains (a warehouse's stock is its own and its
bins'): one recursive query for the subtree, never a query per child.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from itemtrace.storage.tables import LocationRow

_CHILD = aliased(LocationRow, name="child")


def location_ids(code: str, *, include_children: bool = True) -> Any:
    """A SELECT of the ids of location `code` and (with `include_children`) of every location
    under it: for `column.in_(...)`. An unknown code selects nothing."""
    if not include_children:
        return select(LocationRow.id).where(LocationRow.code == code)
    tree = select(LocationRow.id).where(LocationRow.code == code).cte("subtree", recursive=True)
    # UNION, not UNION ALL: a walk stops at a place it has seen, whatever the data holds.
    tree = tree.union(select(_CHILD.id).where(_CHILD.parent_id == tree.c.id))
    return select(tree.c.id)
