"""Village, groups, households, residents and committee roles."""
