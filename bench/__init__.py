"""Scale benchmark: build, update, search and web latency of Boletines beside SQLite FTS5 and default Whoosh.

Run with `make bench` or `python -m bench.run --help`.
"""
