"""optui: a terminal UI for OpenProject."""

__version__ = "0.1.0"
