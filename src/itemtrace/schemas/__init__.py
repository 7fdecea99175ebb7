"""Pydantic request and response models, one module per resource; mapped to the domain explicitly."""
