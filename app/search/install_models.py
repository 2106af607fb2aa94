"""Install the model files search ships: `make setup` runs `python -m app.search.install_models`.

A file that cannot be installed is reported and skipped: search then uses words alone for the
languages its model serves, as when a model cannot load.
"""

from __future__ import annotations

import subprocess
import sys

from app.search.model_files import SHIPPED_FILES, install


def main() -> int:
    for item in SHIPPED_FILES:
        try:
            print(f"{item.model_id}: {install(item)}")
        except (OSError, RuntimeError, subprocess.CalledProcessError, KeyError) as error:
            print(f"{item.model_id}: not installed ({error}); search uses words alone for "
                  "the languages it serves", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
