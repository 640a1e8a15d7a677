"""The web's job worker planning with the fast stand-in of ``web_fake_planner`` instead of the optimiser.

Tests run it through the app's dependency :func:`hushall.web.deps.job_worker` (see ``web_helpers.fake_planner``).
"""

from __future__ import annotations

import sys

from web_fake_planner import plan

from hushall.web.worker import main

if __name__ == "__main__":
    sys.exit(main(planner=plan))
