"""The printouts' contents (app.meetings.view) built from the stored minutes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from app.events import head
from app.i18n import _
from app.meetings.kinds import parse_kind
from app.meetings.models import EXPECTED
from app.meetings.members import PROBATIONARY_ROLE
from app.meetings.service import (AttendeeInfo, MeetingInfo, MotionInfo, choice_label, get_meeting,
                                  meeting_proxy_rule)
from app.meetings.view import (AddendumLine, AgendaLine, AttendeeLine, MinutesView, MotionLine, SigninGroup,
                               SigninName, SigninView, TallyView)
from app.people.service import get_village


def _chain_head(session: Session) -> str:
    seq, h = head(session)
    return _("第 {seq} 号 · {hash}").format(seq=seq, hash=h[:8])


def special_text(x: MotionInfo, members: int) -> str:
    """The special rule a motion is voted under, as printed with it; "" for an ordinary motion."""
    special = x.special_rule
    if special is None:
        return ""
    return _("{name}。依{citation},须经应到 {members} 人的{label}同意(至少 {needed} 票,"
             "按应到人数计算,不按到会人数)。").format(name=special.name, citation=special.citation, members=members,
                                                label=special.threshold.label, needed=special.needed(members))


def minutes_view(session: Session, meeting_id: int, *, print_date: dt.date | None = None,
                 data_dir: Path | None = None) -> MinutesView:
    info_ = get_meeting(session, meeting_id, data_dir=data_dir)
    village = get_village(session)
    names = {a.id: a.name for a in info_.attendees}

    def motion_line(n: int, x: MotionInfo) -> MotionLine:
        return MotionLine(number=str(n), text=x.text, votes_for=x.votes_for, votes_against=x.votes_against,
                          abstentions=x.abstentions, result_label=x.result_text, reason=x.verdict,
                          named_votes=[(names.get(a, str(a)), choice_label(c)) for a, c in x.named_votes.items()],
                          resolution=x.resolution, special=special_text(x, info_.members))

    agenda: list[AgendaLine] = []
    numbered = 0
    for item in info_.agenda:
        motions = []
        for x in info_.motion_list:
            if x.agenda_item_id == item.id:
                numbered += 1
                motions.append(motion_line(numbered, x))
        agenda.append(AgendaLine(str(item.position), item.title, item.discussion, motions))
    loose = [x for x in info_.motion_list if x.agenda_item_id is None]
    if loose:
        lines = []
        for x in loose:
            numbered += 1
            lines.append(motion_line(numbered, x))
        agenda.append(AgendaLine(str(len(agenda) + 1), _("其他表决事项"), "", lines))
    signers = [(_("主持人"), info_.chair), (_("记录人"), info_.recorder)]
    # a big meeting counted from the signed sheet: the sheet is the list of who came, not 2,000 blank marks
    counted = info_.present > 0 and all(a.status == EXPECTED for a in info_.attendees if a.member)
    quorum_text = (info_.quorum.quorum_reason + _("依据:{citation}。").format(citation=info_.quorum.citation)
                   if info_.quorum else _("尚未登记到会人数。"))
    if counted:
        quorum_text += _("到会人数按签到表清点,到会名单见签到表(原件存档)。")
    quorum_text += _not_counted_text(info_, data_dir)
    if info_.members <= 15:
        signers.append((_("参会人员"), ""))
    return MinutesView(
        village_name=village.name if village else "", kind_label=parse_kind(info_.kind).label, title=info_.title,
        date=info_.date, time_text=info_.time_text, place=info_.place, convener=info_.convener, chair=info_.chair,
        recorder=info_.recorder, group_name=info_.group_name, members=info_.members, present=info_.present,
        absent=info_.members - info_.present if counted else info_.absent, on_leave=info_.on_leave, households=info_.households,
        households_present=info_.households_present,
        quorum_text=quorum_text,
        attendees=[] if counted else [
            AttendeeLine(a.name, a.group_name, a.role_text, _status_label(a), a.proxy_name, a.note)
            for a in info_.attendees],
        agenda=agenda,
        addenda=[AddendumLine(a.date, a.corrects, a.text, a.recorded_by) for a in info_.addenda],
        closed=info_.closed, content_hash=info_.content_hash, chain_head=_chain_head(session),
        print_date=print_date or dt.date.today(), signers=signers)


def _status_label(a: AttendeeInfo) -> str:
    """The attendance as printed: a probationary party member is 列席 without a vote (党章 Art. 7), a written proxy
    at the law's kinds 书面委托(不计入到会人数); "" when nothing was recorded."""
    if not a.member and a.role_text.startswith(PROBATIONARY_ROLE):
        return _("列席(预备党员,没有表决权)")
    return a.status_text if a.status != EXPECTED else ""


def _not_counted_text(info_: MeetingInfo, data_dir: Path | None) -> str:
    """Who is on the minutes without counting, and why: written proxies at the law's kinds (Organic Law
    Art. 22, 26, 28) and probationary party members attending a party members' meeting (党章 Art. 7)."""
    text = ""
    proxies = sum(1 for a in info_.attendees if a.proxy_not_counted)
    if proxies:
        text += _("另有书面委托 {n} 份,已登记。{reason}").format(
            n=proxies, reason=meeting_proxy_rule(info_.kind, data_dir).reason)
    probationary = sum(1 for a in info_.attendees if not a.member and a.role_text.startswith(PROBATIONARY_ROLE))
    if probationary:
        text += _("预备党员 {n} 人列席,没有表决权,不计入应到人数和表决人数(《中国共产党章程》第七条)。").format(
            n=probationary)
    return text


def signin_view(session: Session, meeting_id: int, *, print_date: dt.date | None = None) -> SigninView:
    info_ = get_meeting(session, meeting_id)
    village = get_village(session)
    groups: dict[str, list[SigninName]] = {}
    for a in info_.attendees:
        if a.member:
            groups.setdefault(a.group_name, []).append(SigninName(a.name, a.role_text, a.household))
    # 列席 (a probationary party member, an invited guest): on the sheet to sign, never in the 应到 count
    observers = [SigninName(a.name, a.role_text or _("列席"), a.household) for a in info_.attendees if not a.member]
    if observers:
        groups[_("列席人员(无表决权,不计入应到人数)")] = observers
    return SigninView(village_name=village.name if village else "", kind_label=parse_kind(info_.kind).label,
                      title=info_.title, date=info_.date, time_text=info_.time_text, place=info_.place,
                      groups=[SigninGroup(name, people) for name, people in groups.items()], members=info_.members,
                      print_date=print_date or dt.date.today())


def tally_view(session: Session, meeting_id: int, *, print_date: dt.date | None = None) -> TallyView:
    info_ = get_meeting(session, meeting_id)
    village = get_village(session)
    return TallyView(village_name=village.name if village else "", kind_label=parse_kind(info_.kind).label,
                     title=info_.title, date=info_.date, place=info_.place, members=info_.members,
                     present=info_.present or None, motions=[x.text for x in info_.motion_list],
                     print_date=print_date or dt.date.today(),
                     specials=[special_text(x, info_.members) for x in info_.motion_list])
