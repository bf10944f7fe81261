"""OneWindow (一窗通办): case handling for a government service hall window."""

__version__ = "0.1.0"
