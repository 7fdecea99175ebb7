"""Alembic migrations, shipped inside the package; `itemtrace init` runs `upgrade head`."""
