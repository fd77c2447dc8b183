"""`python -m jisr.rules …`: the rules commands without Django (see jisr.rules.cli)."""

import sys

from jisr.rules.cli import main

sys.exit(main())
