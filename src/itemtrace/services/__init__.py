"""Use cases: open a unit of work, call the domain, commit once. No HTTP, no printing."""
