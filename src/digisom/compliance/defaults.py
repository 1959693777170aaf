"""Where the default sanctions data lives when no list is named on the command line.

Deployments point `DIGISOM_SANCTIONS_DIR` at their downloads; a source checkout falls back to the
shared data folder beside the project (`../shared/data/sanctions`), which is what tests and CI use.
"""

import os
from pathlib import Path

SANCTIONS_DIR_ENV = "DIGISOM_SANCTIONS_DIR"
_PROJECT_ROOT = Path(__file__).resolve().parents[3]


def sanctions_directory() -> Path | None:
    """The configured sanctions folder, else the shared one beside the project, else None."""
    configured = os.environ.get(SANCTIONS_DIR_ENV)
    if configured:
        return Path(configured)
    shared = _PROJECT_ROOT.parent / "shared" / "data" / "sanctions"
    return shared if shared.is_dir() else None


def names_directory() -> Path | None:
    """The shared benchmark name files beside the sanctions folder, if present."""
    sanctions = sanctions_directory()
    if sanctions is None:
        return None
    names = sanctions.parent / "names"
    return names if names.is_dir() else None
