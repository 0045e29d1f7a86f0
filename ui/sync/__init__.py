"""The 同步 screen: sync bundles to the township on a USB stick, and the township's receipts back."""

FIRST_UPLOAD_DELAY = 90.0  # seconds after the program starts before its first background upload: the first
#                            minute is the clerk's (ui/sync/uploader.py; the main window starts it then)
