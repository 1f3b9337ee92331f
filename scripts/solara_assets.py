"""Install Solara's front-end assets locally (see ``dashboards/assets.py``); idempotent.

Usage: ``.venv/bin/python scripts/solara_assets.py [--check] [--list]``
"""

import sys
from pathlib import Path

# Runs from a checkout, installed or not: the logic lives in the dashboards package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from carepath.dashboards.assets import main

if __name__ == "__main__":
    sys.exit(main())
