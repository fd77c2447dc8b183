"""`python -m jisr.rules.index calibrate|evaluate ...`: the index's command line, without Django."""

from jisr.rules.index.cli import main

raise SystemExit(main())
