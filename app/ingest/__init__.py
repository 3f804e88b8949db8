"""Ingest: the record model, document sources, the one ingest function and the startup loader."""
