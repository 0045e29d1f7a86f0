"""The accountant's ledger and the financial statements drawn from it for disclosure."""

# What another capability may import (tests/test_layers.py): the statement a financial notice is drafted from,
# and importing a ledger (the demo village's).
PUBLIC = ("statement", "service")
