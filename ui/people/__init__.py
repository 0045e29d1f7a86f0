"""Screens for the village register: the residents table, the resident dialog, the roster import."""
