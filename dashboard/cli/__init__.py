"""The top layer: the `laa` command (commands.py) and the dashboard's server around Streamlit (serving.py). It may
import every layer below; nothing imports it."""

from dashboard.cli.commands import app, main

__all__ = ["app", "main"]
