"""itemtrace: every unit of stock by serial, lot and package number."""

__version__ = "0.1.0"
