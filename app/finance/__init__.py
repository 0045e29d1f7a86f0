"""The accountant's ledger and the financial statements drawn from it for disclosure."""
