"""Benchmarks: ``python -m bench`` measures each scenario beside its floor.

A floor is the cheapest program that does the same visible job (a bare Qt
window, pandas reading the same spreadsheet, the same SQL through plain
sqlite3, the same screen over 100 rows). Measuring both in one run, side by
side, makes the ratio mean something on any machine. See docs/performance.md.
"""
