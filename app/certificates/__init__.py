"""Certificates (出具证明) issued against the approved list."""
