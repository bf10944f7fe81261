"""Loading the reference catalog kept in the repository (data/reference_catalog.json)."""

from pathlib import Path

from .exchange import catalog_import

REFERENCE_CATALOG = Path(__file__).resolve().parent / "data" / "reference_catalog.json"


def catalog_load_reference(path: Path = REFERENCE_CATALOG) -> str:
    """Import the reference catalog (idempotent) and return a one-line summary."""
    return str(catalog_import(path.read_bytes(), actor=None))
