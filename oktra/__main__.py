"""`python -m oktra`."""

import sys

from oktra.cli import main

sys.exit(main())
