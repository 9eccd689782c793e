"""`python -m optui` runs the command line."""

from optui.cli import main

raise SystemExit(main())
