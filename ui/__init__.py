"""PySide6 user interface: shows what app/ computes."""
