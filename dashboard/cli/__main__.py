"""`python -m dashboard.cli ARGS`, as `laa ARGS`."""

from dashboard.cli.commands import main

main()
