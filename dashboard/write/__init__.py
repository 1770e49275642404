"""The one write path and what feeds it: the importer (read, validate, plan, gate, write), partners' entry on My
targets, indicator settings and the year's targets, the preview of an upload, sign-off, the demo. Every change to
figures goes through dashboard.write.importer's gate."""
