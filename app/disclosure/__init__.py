"""Village affairs disclosure (村务公开): catalogue, calendar, notices, printing, search."""

# What another capability may import (tests/test_layers.py): the calendar's events and periods, the catalogue,
# drafting a notice and reading its state (the 四议两公开 matters draft their two notices through these).
PUBLIC = ("calendar", "catalogue", "service", "layout", "public_address")
