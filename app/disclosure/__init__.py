"""Village affairs disclosure (村务公开): catalogue, calendar, notices, printing, search."""
