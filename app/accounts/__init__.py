"""Local user accounts with roles and throttled logins."""
