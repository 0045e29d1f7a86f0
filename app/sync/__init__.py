"""Sync to the township: keys, the bundle file format, export, receipts.

The format is specified in docs/sync-format.md; this package implements it.
The township side (the hub) lives in :mod:`app.hub` and shares the format code.
"""
