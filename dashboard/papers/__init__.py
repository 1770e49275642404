"""What leaves the dashboard as a document or picture: the board paper (workbook, CSV, PDF) and the charts, with
the one palette of status tints that pages, workbook and PDF share."""
