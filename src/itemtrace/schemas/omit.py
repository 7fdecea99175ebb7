"""Fields that are left out of an answer while they are empty: the corrections links of a document,
a history entry or a trace edge appear only on the documents and movements they concern."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, SerializerFunctionWrapHandler, model_serializer


class OmitWhenEmpty(BaseModel):
    """A model whose `omit_when_empty` fields are dropped from its output while None, False or []."""

    omit_when_empty: ClassVar[frozenset[str]] = frozenset()

    # No return annotation: pydantic would take it for the output's schema, and the OpenAPI
    # document would lose the model's fields.
    @model_serializer(mode="wrap")
    def _omit_empty(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        data = handler(self)
        for name in self.omit_when_empty:
            if name in data and data[name] in (None, False, []):
                del data[name]
        return data
