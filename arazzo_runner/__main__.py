"""``python -m arazzo_runner`` is the ``arazzo-runner`` command."""

import sys

from arazzo_runner.cli import main

sys.exit(main())
