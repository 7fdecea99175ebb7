"""The `itemtrace` command-line tool: Typer commands that parse, call one service, and present."""
