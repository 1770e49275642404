"""LAA performance dashboard: store, import, rules and reports for a Local Strategic Partnership."""
