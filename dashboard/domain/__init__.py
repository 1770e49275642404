"""The bottom layer: the brief's rules and words with no store behind them. The status and ranking rules
(rules), periods, the name key, the one missing-value test, the import format, the output of tables and CSV, the
product's own words. A rule about figures goes here."""
