"""Test set-up: a fixed, colourless 100-column terminal for every CLI test."""

from __future__ import annotations

import os

# Before anything imports rich or typer: Rich reads these when a Console is created.
os.environ["COLUMNS"] = "100"
os.environ["TTY_COMPATIBLE"] = "0"
os.environ.pop("FORCE_COLOR", None)
os.environ.pop("GITHUB_ACTIONS", None)
os.environ.pop("PY_COLORS", None)
