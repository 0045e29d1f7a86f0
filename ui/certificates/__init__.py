"""The 证明开具 screen: issue, pending, register (台账), verify, and the two catalogues."""
