"""Loading the lists a screening run uses: those named, or the configured default folder."""

from pathlib import Path

from digisom.compliance.defaults import sanctions_directory
from digisom.compliance.lists import ListVersion, discover_lists, load_list
from digisom.errors import ConfigurationError


def list_paths(named: list[Path] | None) -> list[Path]:
    """Expand named paths (folders of downloads included), or fall back to the default folder."""
    if named:
        return [path for item in named for path in discover_lists(item)]
    default = sanctions_directory()
    if default is None:
        raise ConfigurationError(
            "no sanctions lists: pass --list PATH or set DIGISOM_SANCTIONS_DIR"
        )
    return discover_lists(default)


def load_versions(named: list[Path] | None) -> list[ListVersion]:
    """Load every list; one malformed file stops the run (no screening on partial lists)."""
    return [load_list(path) for path in list_paths(named)]
