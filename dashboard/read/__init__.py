"""What the partnership's figures say, read from the store and never written: the position as at a quarter, the
board breakdown and ranking, movement since last quarter, data quality, the audit trail, the pages' texts. A new
view of stored figures goes here; it may not import the write side."""
