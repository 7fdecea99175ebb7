"""Packages as units: expand the lines that name only a package into their contents (called by
`documents.create` before anything else reads the lines)."""

from __future__ import annotations

from itemtrace.domain import packages
from itemtrace.domain.documents import Document
from itemtrace.domain.errors import NotFound, ValidationFailed
from itemtrace.storage.unit_of_work import UnitOfWork


def expand(uow: UnitOfWork, document: Document) -> Document:
    """The document with each package line replaced by the package's contents at its source."""
    wanted = packages.wanted(document)
    if not wanted:
        return document
    try:
        contents = uow.stock.package_contents(wanted.values())
    except NotFound as missing:
        raise ValidationFailed(f"{missing.detail}: create the location first") from None
    return packages.expand(document, contents)
