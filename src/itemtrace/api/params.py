"""Path and query parameter types: ids within the id columns, filters as long as what they filter.

Control characters in any path or query string are refused before routing (`api.guard`); these
types add the lengths and ranges, so the OpenAPI document states them too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from itemtrace.domain import limits
from itemtrace.schemas.common import NO_CONTROL_PATTERN, JsonPattern, LocationCode, Number, Sku

# Codes and numbers in paths: an unknown one (too long, say) is simply not found.
SkuPath = Annotated[str, Path(description="The item's SKU"), JsonPattern(NO_CONTROL_PATTERN)]
CodePath = Annotated[str, Path(description="The code"), JsonPattern(NO_CONTROL_PATTERN)]
NumberPath = Annotated[
    str,
    Path(description="The number, as it is: '/' is allowed (S/N-Vend0001)"),
    JsonPattern(NO_CONTROL_PATTERN),
]
DocumentId = Annotated[int, Path(ge=1, le=limits.MAX_ID, description="The document's id")]
RecallId = Annotated[int, Path(ge=1, le=limits.MAX_ID, description="The recall's id")]

ItemFilter = Annotated[Sku | None, Query(description="An item's SKU")]
LocationFilter = Annotated[LocationCode | None, Query(description="A location's code")]
LotFilter = Annotated[Number | None, Query(description="A lot number")]
IncludeChildren = Annotated[
    bool,
    Query(
        description="With `location`: count the locations under it too (a warehouse's bins); false: that one only"
    ),
]
SerialFilter = Annotated[Number | None, Query(description="A serial number")]
SearchText = Annotated[Number | None, Query(description="Part of a number to search for")]
