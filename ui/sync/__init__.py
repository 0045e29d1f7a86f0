"""The 同步 screen: sync bundles to the township on a USB stick, and the township's receipts back."""
