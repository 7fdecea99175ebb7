"""`python -m itemtrace` runs the command-line tool."""

from itemtrace.cli.main import main

main()
