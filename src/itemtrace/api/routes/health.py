"""Liveness: answers without a token and without touching the database."""

from __future__ import annotations

from fastapi import APIRouter

from itemtrace.schemas.users import HealthOut

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> HealthOut:
    return HealthOut(status="ok")
