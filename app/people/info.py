"""Plain facts about the village that screens show before anything heavy loads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VillageInfo:
    name: str
    code: str
    township: str
    county: str
    hotline: str = ""
