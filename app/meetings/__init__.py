"""Meetings and decisions: minutes of every kind of village meeting, quorum and vote rules, 四议两公开."""
