"""Benchmark of the read API against Datasette on the same generated SQLite file."""
