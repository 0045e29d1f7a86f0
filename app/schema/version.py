"""The schema version this program writes. Raise it with every new migration step."""

SCHEMA_VERSION = 6
