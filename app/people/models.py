"""Typed models of the village, its groups, households, residents and roles."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.events import Audited, audited
from app.storage.base import Base


@audited
class Village(Audited, Base):
    __tablename__ = "village"
    __record_type__ = "village"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(18), unique=True)
    township: Mapped[str] = mapped_column(String(64))
    county: Mapped[str] = mapped_column(String(64), default="")
    hotline: Mapped[str] = mapped_column(String(32), default="")


@audited
class VillagerGroup(Audited, Base):
    __tablename__ = "villager_groups"
    __record_type__ = "group"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


@audited
class Household(Audited, Base):
    __tablename__ = "households"
    __record_type__ = "household"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), default="")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("villager_groups.id"), index=True)
    address: Mapped[str] = mapped_column(String(128), default="")


@audited
class Resident(Audited, Base):
    __tablename__ = "residents"
    __record_type__ = "resident"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    sex: Mapped[str] = mapped_column(String(2))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    # NULL for infants not yet given an ID; unique otherwise.
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("villager_groups.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16), default="")
    party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    representative: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    # None: on the register; "moved" (迁出) or "died" (已故). Kept, not deleted: certificates and
    # minutes refer to people who have since left. NULL rather than "" so the events written
    # before this column existed still match (cunwu check compares a missing key as None).
    status: Mapped[str | None] = mapped_column(String(8), default=None)
    # 预备党员 (schema v5): a probationary party member has no vote (党章 Art. 7) until the party members'
    # meeting decides 转正; ``party_member`` stays for full members. NULL, as above, for rows older than v5.
    probationary: Mapped[bool | None] = mapped_column(Boolean, default=None)
    probation_since: Mapped[dt.date | None] = mapped_column(Date, default=None)  # the date of admission


STATUS_LABELS = {None: "在册", "moved": "已迁出", "died": "已故"}


@audited
class Role(Audited, Base):
    __tablename__ = "roles"
    __record_type__ = "role"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    body: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(32))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("villager_groups.id"))
    term_start: Mapped[dt.date | None] = mapped_column(Date)
    term_end: Mapped[dt.date | None] = mapped_column(Date)
