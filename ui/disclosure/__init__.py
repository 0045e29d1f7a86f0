"""The 村务公开 screen: the disclosure calendar, the notices, the editor with its printed page, the dialogs."""
