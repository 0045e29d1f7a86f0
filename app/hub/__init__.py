"""The township hub: the villages' bundles imported into one store (SQLite or PostgreSQL)."""
