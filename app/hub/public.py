"""The villagers' pages of the township hub (``cunwu hub serve --public``): read-only, plain Chinese, large type.

- ``/`` lists the township's villages whose page the township has opened;
- ``/v/<village code>/`` lists the notices now on that village's board (posted, within their posting period),
  newest first, each with its text and tables masked exactly as printed: the text goes through the printout's
  own content step (app.disclosure.layout, the one masking net, app.masking.mask_text), never a second rule.
  Search (``?q=``) looks only in that masked text, so a number the board does not show is not found either.
  Once a notice's posting period has ended the page keeps its title, number, dates and 核验码 only: personal
  information stays online no longer than on the board (PIPL Art. 6 and Art. 19: the minimum necessary, kept
  no longer than the purpose needs);
- ``/check`` takes a certificate's QR text or 核验码, or a notice's 核验码 or QR text (typed, or opened from
  a QR code that carries the township's public address: ``/check?code=...``), and says 真实 / 已作废 /
  查不到 / 被改动过, with the facts the printout shows and nothing more.

Nothing else is served: no resident data, no drafts, no pages of the township's program. The township switches
a village's page off in 设置 (hub setting ``public_off``: the codes, separated by commas).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from string import Template
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from sqlalchemy import select

# the village's setting (the township's address on its notices' QR codes) belongs to the notices themselves
from app.disclosure.public_address import (ADDRESS_SETTING, check_address, clean_address,  # noqa: F401
                                           notice_qr, village_address)
from app.hub import store as t
from app.i18n import _

OFF_KEY = "public_off"              # hub setting: village codes whose public page is switched off
MAX_QUERY = 2000 + 200               # a certificate's QR text is at most 2000 characters (app.certificates.payload)
MAX_SEARCH = 50
MAX_ENDED = 100                      # ended notices listed (their titles and dates only)
NOTICE_STATES = ("posted", "archived")
CSS_PATH = "/static/public.css"

GENUINE, VOIDED, NOT_FOUND, ALTERED, PLAIN = "genuine", "voided", "not-found", "altered", "plain"

_NOTICE_CODE = re.compile(r"[0-9A-F]{16}")
CHINA = dt.timezone(dt.timedelta(hours=8))


# ---------------------------------------------------------------- the township's switch per village


def public_off(hub: Any) -> set[str]:
    """The village codes whose public page the township has switched off."""
    from app.hub.status import hub_setting

    value = hub_setting(hub, OFF_KEY, "") or ""
    return {c.strip() for c in value.split(",") if c.strip()}


def set_public_off(hub: Any, codes: Iterable[str]) -> None:
    """Switch off the public page of exactly ``codes`` (the others are open)."""
    from app.hub.status import set_hub_setting

    set_hub_setting(hub, OFF_KEY, ",".join(sorted({c.strip() for c in codes if c and c.strip()})))


def public_pages(hub: Any) -> list[tuple[str, str, bool]]:
    """(code, name, open) of every village the township has enrolled, by name: what 设置 lists."""
    off = public_off(hub)
    return [(code, name, code not in off) for code, name in _villages(hub)]


# ---------------------------------------------------------------- reading the hub


@dataclasses.dataclass(frozen=True)
class ListedNotice:
    record_id: str
    number: str
    title: str
    posted_from: str
    posted_until: str


def _villages(hub: Any) -> list[tuple[str, str]]:
    with hub.engine.connect() as conn:
        return [(str(c), str(n or c)) for c, n in conn.execute(
            select(t.villages.c.code, t.villages.c.name).order_by(t.villages.c.name, t.villages.c.code))]


def _village_name(hub: Any, code: str) -> str | None:
    with hub.engine.connect() as conn:
        name = conn.execute(select(t.villages.c.name).where(t.villages.c.code == code)).scalar()
    return None if name is None else str(name or code)


def _listed(hub: Any, code: str, today: str) -> list[ListedNotice]:
    """The village's posted notices whose posting has begun, newest first: one query on hub_proj_notices (its
    primary key begins with the village's code)."""
    n = t.proj_notices.c
    with hub.engine.connect() as conn:
        rows = conn.execute(select(n.record_id, n.number, n.title, n.posted_from, n.posted_until)
                            .where(n.village_code == code, n.state.in_(NOTICE_STATES), n.posted_from != "",
                                   n.posted_from <= today)
                            .order_by(n.posted_from.desc(), n.number.desc()))
        return [ListedNotice(str(r), str(num or ""), str(title or ""), str(a or ""), str(b or ""))
                for r, num, title, a, b in rows]


def _records(hub: Any, code: str, record_type: str, ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    r = t.records.c
    query = select(r.record_id, r.content).where(r.village_code == code, r.record_type == record_type)
    if ids is not None:
        ids = list(ids)
        if not ids:
            return {}
        query = query.where(r.record_id.in_(ids))
    found = {}
    with hub.engine.connect() as conn:
        for rid, content in conn.execute(query):
            try:
                doc = json.loads(content)
            except ValueError:
                continue
            if isinstance(doc, dict):
                found[str(rid)] = doc
    return found


def _notice(doc: dict[str, Any]) -> Any:
    """A notice record as the hub received it, with the village's column types (dates as dates)."""
    from app.disclosure.models import Notice
    from app.hub.village_copy import _row

    return SimpleNamespace(**_row(Notice.__table__, doc))


def _genuine(n: Any) -> bool:
    """The notice still shows what was posted: its content hash, taken at posting, is its content's."""
    from app.disclosure.service import content_hash

    try:
        return bool(n.content_hash) and content_hash(n) == n.content_hash
    except (TypeError, ValueError):
        return False


def _view(n: Any, village: dict[str, Any], reviewers: str, corrects_number: str) -> Any:
    """The NoticeView the village's printout of this notice is made from (app.disclosure.service.notice_view)."""
    from app.disclosure.service import check_code, qr_payload, tables_from_json
    from app.disclosure.view import NoticeView

    corrects = ""
    if n.corrects_id is not None:
        corrects = _("更正 {number}:{reason}").format(number=corrects_number or "#{}".format(n.corrects_id),
                                                   reason=n.correction_reason)
    try:
        tables = tables_from_json(n.tables)
    except (ValueError, TypeError, AttributeError):
        tables = []
    return NoticeView(
        village_name=str(village.get("name") or ""), number=n.number or "", title=n.title or "",
        category=n.category or "", period_label=n.period_label or "", body=n.body or "", tables=tables,
        posted_from=n.posted_from, posted_until=n.posted_until, reviewers=reviewers,
        hotline=str(village.get("hotline") or ""), print_date=None, chain_head="",
        qr_payload=qr_payload(str(village.get("code") or ""), n.number or "", n.content_hash or ""),
        check_code=check_code(n.content_hash or ""), draft=False, corrects=corrects)


def _reviewers(reviews: Iterable[dict[str, Any]], notice_id: Any) -> str:
    """The names of the last review that passed it (NoticeInfo.reviewers)."""
    passed = sorted((r for r in reviews if r.get("notice_id") == notice_id and r.get("outcome") == "passed"),
                    key=lambda r: r.get("id") or 0)
    return str(passed[-1].get("reviewers") or "") if passed else ""


# ---------------------------------------------------------------- HTML


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


_PAGE: Template | None = None
_CSS: bytes | None = None


def _template() -> Template:
    global _PAGE
    if _PAGE is None:
        from app.resources import resource_path

        _PAGE = Template(resource_path("web", "page.html").read_text(encoding="utf-8"))
    return _PAGE


def _css() -> bytes:
    global _CSS
    if _CSS is None:
        from app.resources import resource_path

        _CSS = resource_path("web", "public.css").read_bytes()
    return _CSS


def page(hub_name: str, title: str, body: str) -> str:
    site = _("{township}村务公开查询").format(township=hub_name) if hub_name else _("村务公开查询")
    footer = (_("本页只显示公开栏上张贴期内的公告和证明核验结果,不显示村民的其他信息。") +
              ' <a href="/check">' + esc(_("核验证明或公告")) + "</a>")
    return _template().substitute(title=esc(title), site=esc(site), body=body, footer=footer)


def _date(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


def _body_html(lines: list[str]) -> str:
    """The masked body lines as printed: '## ' a sub-heading, '- ' a bullet, a blank line between paragraphs."""
    from app.disclosure.view import BULLET_PREFIX, HEADING_PREFIX

    out: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if bullets:
            out.append("<ul>" + "".join("<li>{}</li>".format(esc(b)) for b in bullets) + "</ul>")
            bullets.clear()

    for raw in lines:
        text = raw.strip()
        if raw.startswith(BULLET_PREFIX):
            bullets.append(raw[len(BULLET_PREFIX):].strip())
            continue
        flush()
        if not text:
            continue
        if raw.startswith(HEADING_PREFIX):
            out.append("<h3>{}</h3>".format(esc(raw[len(HEADING_PREFIX):].strip())))
        else:
            out.append("<p>{}</p>".format(esc(text)))
    flush()
    return "\n".join(out)


def _table_html(table: Any) -> str:
    columns = list(table.columns)
    numeric = set(table.numeric)
    head = "".join('<th scope="col">{}</th>'.format(esc(c)) for c in columns)

    def row(cells: list[str], cls: str = "") -> str:
        tds = "".join('<td data-label="{label}"{num}>{text}</td>'.format(
            label=esc(columns[i] if i < len(columns) else ""), num=' class="num"' if i in numeric else "",
            text=esc(c)) for i, c in enumerate(cells))
        return '<tr{}>{}</tr>'.format(' class="{}"'.format(cls) if cls else "", tds)

    body = "".join(row(list(r)) for r in table.rows)
    if table.total:
        body += row(list(table.total), "total")
    caption = "<caption>{}</caption>".format(esc(table.title)) if table.title else ""
    return "<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>".format(
        caption=caption, head=head, body=body)


def notice_html(content: Any, anchor: str) -> str:
    """One notice on the page, from the printout's content (already masked and cleaned)."""
    parts = ['<article class="notice" id="{}">'.format(esc(anchor))]
    meta = " · ".join(p for p in (content.header, content.number_label) if p)
    if meta:
        parts.append('<p class="meta">{}</p>'.format(esc(meta)))
    parts.append("<h2>{}</h2>".format(esc(content.title)))
    if content.corrects:
        parts.append('<p class="corrects">{}</p>'.format(esc(content.corrects)))
    parts.append('<div class="body">{}</div>'.format(_body_html(list(content.body))))
    parts.extend(_table_html(tb) for tb in content.tables)
    if content.signature:
        parts.append('<p class="sign">{}</p>'.format("<br>".join(esc(s) for s in content.signature)))
    items = "".join('<p{}>{}</p>'.format(' class="strong"' if bold else "", esc(text))
                    for text, bold in content.footer)
    parts.append('<div class="footer">{}</div>'.format(items))
    parts.append("</article>")
    return "\n".join(parts)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).casefold()


# ---------------------------------------------------------------- the pages


@dataclasses.dataclass(frozen=True)
class CheckResult:
    status: str                         # genuine | voided | not-found | altered | plain
    message: str
    facts: tuple[tuple[str, str], ...] = ()
    link: str = ""                      # the notice on its village's page (while it is on the board)


def village_page(hub: Any, code: str, q: str, today: dt.date) -> tuple[int, str]:
    """(status, HTML) of ``/v/<code>/``."""
    from app.disclosure.layout import notice_content

    name = _village_name(hub, code)
    if name is None:
        return 404, page(hub.name, _("找不到这个村"), not_found_body())
    if code in public_off(hub):
        return 200, page(hub.name, name, "<h1>{}</h1><p>{}</p>".format(esc(name), esc(_(
            "乡镇还没有开通这个村的公开查询页面。请到村里的公开栏查看公告,或向村委会、乡镇询问。"))))
    day = today.isoformat()
    listed = _listed(hub, code, day)
    current = [n for n in listed if n.posted_until and n.posted_until >= day]
    ended = [n for n in listed if not (n.posted_until and n.posted_until >= day)]
    numbers = {n.record_id: n.number for n in listed}
    q = " ".join((q or "").split())[:MAX_SEARCH]
    needle = _compact(q)

    village = next(iter(_records(hub, code, "village").values()), {})
    village.setdefault("code", code)
    docs = _records(hub, code, "notice", [n.record_id for n in current])
    reviews = list(_records(hub, code, "notice_review").values()) if docs else []
    shown: list[str] = []
    for listed_notice in current:
        doc = docs.get(listed_notice.record_id)
        if doc is None:
            continue
        n = _notice(doc)
        anchor = "n-" + (listed_notice.number or listed_notice.record_id)
        if not _genuine(n):
            if not needle or needle in _compact(listed_notice.title):
                shown.append('<article class="notice" id="{a}"><h2>{t}</h2><p class="warning">{w}</p></article>'.format(
                    a=esc(anchor), t=esc(listed_notice.title), w=esc(_(
                        "乡镇收到的这份公告与张贴时的内容不一致,这里不显示它的内容。请以村里公开栏上张贴的为准,"
                        "并向村委会或乡镇反映。"))))
            continue
        corrects_number = numbers.get(str(n.corrects_id), "") if n.corrects_id is not None else ""
        content = notice_content(_view(n, village, _reviewers(reviews, n.id), corrects_number))
        if needle:
            from app.disclosure.layout import all_text

            if needle not in _compact("\n".join(all_text(content))):
                continue
        shown.append(notice_html(content, anchor))
    ended_shown = [n for n in ended if not needle or needle in _compact(n.title + " " + n.number)][:MAX_ENDED]

    parts = ["<h1>{}</h1>".format(esc(_("{village}村务公开").format(village=name)) if not name.endswith("社区")
                                  else esc(_("{village}居务公开").format(village=name)))]
    parts.append('<p class="lead">{}</p>'.format(esc(_(
        "这里是{village}公开栏上正在张贴的公告,和村里张贴的一样(身份证号、电话号码、银行账号已按规定隐去)。今天是 {day}。").format(
        village=name, day=day))))
    parts.append('<form class="search" method="get" action="" role="search"><label for="q" class="sr">{label}</label>'
                 '<input type="search" id="q" name="q" value="{q}" maxlength="{max}" placeholder="{hint}">'
                 '<button type="submit">{go}</button></form>'.format(
                     label=esc(_("查找公告:")), q=esc(q), max=MAX_SEARCH, hint=esc(_("输入标题或内容里的字词")),
                     go=esc(_("查找"))))
    if needle:
        parts.append("<p>{} <a href=\"./\">{}</a></p>".format(
            esc(_("“{q}”:找到 {n} 份正在张贴的公告,{m} 份已过张贴期的公告。").format(
                q=q, n=len(shown), m=len(ended_shown))), esc(_("显示全部"))))
    parts.append("<h2>{}</h2>".format(esc(_("正在张贴的公告({n} 份)").format(n=len(shown)))))
    if shown:
        parts.extend(shown)
    else:
        parts.append("<p>{}</p>".format(esc(_("现在没有正在张贴的公告。") if not needle
                                            else _("正在张贴的公告里没有找到“{q}”。").format(q=q))))
    parts.append("<h2>{}</h2>".format(esc(_("已过张贴期的公告"))))
    parts.append("<p>{}</p>".format(esc(_(
        "张贴期结束后,这里只留下标题、编号、日期,可以凭核验码查对,不再显示内容。需要查看内容的,请向村委会申请查阅。"))))
    if ended_shown:
        items = []
        for n in ended_shown:
            items.append('<li>{number} {title}<span class="dates">{dates}</span></li>'.format(
                number=esc(n.number), title=esc(n.title), dates=esc(_("张贴期 {start} 至 {end}").format(
                    start=n.posted_from, end=n.posted_until or "-"))))
        parts.append('<ul class="ended">{}</ul>'.format("".join(items)))
        if len(ended) > MAX_ENDED and not needle:
            parts.append("<p>{}</p>".format(esc(_("只列出最近的 {n} 份。").format(n=MAX_ENDED))))
    else:
        parts.append("<p>{}</p>".format(esc(_("没有。"))))
    parts.append('<p><a href="/check">{}</a></p>'.format(esc(_("核验一份公告或证明"))))
    return 200, page(hub.name, name, "\n".join(parts))


def home_page(hub: Any) -> str:
    off = public_off(hub)
    villages = [(c, n) for c, n in _villages(hub) if c not in off]
    parts = ["<h1>{}</h1>".format(esc(_("{township}村务公开查询").format(township=hub.name)))]
    parts.append('<p class="lead">{}</p>'.format(esc(_(
        "点村名,看这个村公开栏上正在张贴的公告。收到村里开具的证明,或想查对一份公告是不是真的,请点“核验”。"))))
    parts.append('<p><a href="/check">{}</a></p>'.format(esc(_("核验证明或公告"))))
    if villages:
        parts.append('<ul class="villages">{}</ul>'.format("".join(
            '<li><a href="/v/{c}/">{n}</a></li>'.format(c=quote(c, safe=""), n=esc(n)) for c, n in villages)))
    else:
        parts.append("<p>{}</p>".format(esc(_("乡镇还没有开通任何村的公开查询页面。"))))
    return page(hub.name, _("{township}村务公开查询").format(township=hub.name), "\n".join(parts))


def not_found_body() -> str:
    return "<h1>{}</h1><p>{}</p><p><a href=\"/\">{}</a></p>".format(
        esc(_("找不到这个页面")), esc(_("地址可能输错了,或这个村不在本乡镇。请从首页选村。")), esc(_("回到首页")))


# ---------------------------------------------------------------- /check


def _from_address(text: str) -> str:
    """What a QR code that carries the public address holds: ``…/check?code=X`` gives X."""
    if re.match(r"(?i)^https?://", text):
        try:
            parts = urlsplit(text)
        except ValueError:
            return text
        if parts.path.rstrip("/").endswith("/check"):
            code = parse_qs(parts.query).get("code")
            if code:
                return code[0].strip()
    return text


def _notice_code(text: str) -> str | None:
    """A notice's 核验码 as typed (3F2A-9C1B-77D0-12AB, any case and spacing), as 16 characters, or None."""
    compact = re.sub(r"[\s\-_:：·]", "", unicodedata.normalize("NFKC", text or "")).upper()
    compact = compact.removeprefix("核验码")
    return compact if _NOTICE_CODE.fullmatch(compact) else None


def _notice_facts(village_name: str, n: Any) -> tuple[tuple[str, str], ...]:
    from app.disclosure.service import check_code

    return ((_("村"), village_name), (_("公开编号"), n.number or ""), (_("标题"), n.title or ""),
            (_("张贴期"), _("{start} 至 {end}").format(start=_date(n.posted_from), end=_date(n.posted_until) or "-")),
            (_("核验码"), check_code(n.content_hash or "")))


def _notice_result(hub: Any, code: str, doc: dict[str, Any], digest: str, today: dt.date) -> CheckResult:
    n = _notice(doc)
    name = _village_name(hub, code) or code
    if not _genuine(n) or (digest and n.content_hash != digest):
        return CheckResult(ALTERED, _(
            "公告被改动过:{village}公告 {number} 的内容与乡镇收到的张贴记录不一致。请以乡镇和村里的记录为准,"
            "并向村委会或乡镇反映。").format(village=name, number=n.number or ""))
    if n.state not in NOTICE_STATES:
        return CheckResult(NOT_FOUND, _("乡镇收到的记录里没有这份公告张贴过。"))
    link = ""
    day = today.isoformat()
    if (_date(n.posted_from) <= day <= _date(n.posted_until)) and code not in public_off(hub):
        link = "/v/{c}/#n-{n}".format(c=quote(code, safe=""), n=quote(n.number or "", safe=""))
    if _date(n.posted_until) and _date(n.posted_until) < day:
        extra = _("张贴期已经结束,这里不再显示它的内容。")
    else:
        extra = ""
    return CheckResult(GENUINE, _("这份公告是真的:与{village}张贴时的内容一致。请核对下面的编号、标题和日期与您手上的一致。").format(
        village=name) + extra, _notice_facts(name, n), link)


def _check_notice_payload(hub: Any, text: str, today: dt.date) -> CheckResult | None:
    from app.disclosure.service import QR_PREFIX

    parts = text.split("|")
    if parts[0] != QR_PREFIX:
        return None
    if len(parts) != 4 or not all(parts[1:]):
        return CheckResult(PLAIN, _("这段文字不完整,不是公告上二维码的全部内容。请重新扫描公告右下角的二维码。"))
    _prefix, code, number, digest = parts
    n = t.proj_notices.c
    with hub.engine.connect() as conn:
        rid = conn.execute(select(n.record_id).where(n.village_code == code, n.number == number)).scalar()
    doc = _records(hub, code, "notice", [str(rid)]).get(str(rid)) if rid is not None else None
    if doc is None:
        if _village_name(hub, code) is None:
            return CheckResult(NOT_FOUND, _("查不到:这份公告的村不在本乡镇登记。请向张贴公告的村所属的乡镇核验。"))
        return CheckResult(NOT_FOUND, _(
            "查不到:乡镇收到的记录里没有公告 {number}。可能是村里的记录还没有送到乡镇;核实之前不能当作真的公告。").format(
            number=number))
    return _notice_result(hub, code, doc, digest, today)


def _check_notice_code(hub: Any, code: str, today: dt.date) -> CheckResult:
    needle = code.lower()  # the hash as the record holds it, whatever the JSON's spacing
    r = t.records.c
    found = []
    with hub.engine.connect() as conn:
        # village by village along the records' key (village, type): only notices are read, never residents
        for village_code, content in conn.execute(select(r.village_code, r.content).where(
                r.village_code.in_(select(t.villages.c.code)), r.record_type == "notice", r.content.contains(needle))):
            try:
                doc = json.loads(content)
            except ValueError:
                continue
            if isinstance(doc, dict) and str(doc.get("content_hash") or "").upper().startswith(code):
                found.append((str(village_code), doc))
    if not found:
        return CheckResult(NOT_FOUND, _(
            "查不到核验码为 {code} 的公告。可能是核验码抄错了(请对着公告一个一个核对),"
            "或村里的记录还没有送到乡镇。核实之前不能当作真的公告。").format(code="-".join(
                code[i:i + 4] for i in range(0, 16, 4))))
    if len(found) > 1:
        return CheckResult(PLAIN, _("有几份公告的核验码相同,分不出是哪一份。请扫描公告上的二维码核验。"))
    village_code, doc = found[0]
    return _notice_result(hub, village_code, doc, "", today)


def _check_certificate(hub: Any, text: str) -> CheckResult:
    from app.certificates import payload as p
    from app.hub.verify import verify_with_hub

    v = verify_with_hub(hub, text)
    facts: tuple[tuple[str, str], ...] = ()
    if v.reason in (p.GENUINE, p.VOIDED):
        facts = tuple((k, val) for k, val in (
            (_("开具的村"), v.village_name or v.village_code), (_("证明种类"), v.kind_name),
            (_("编号"), v.serial), (_("申请人"), v.applicant_name), (_("用途"), v.purpose),
            (_("开具日期"), _date(v.issue_date)), (_("核验码"), v.check_code)) if val)
    if v.reason == p.GENUINE:
        message = _("这份证明是真的:签名有效,与乡镇收到的台账一致,没有作废。")
        if v.by_check_code:
            message += _("凭核验码查到的:请核对证明上印的编号、申请人、证明种类和开具日期与下面显示的一致,一致才是这份证明。")
        return CheckResult(GENUINE, message, facts)
    if v.reason == p.VOIDED:
        return CheckResult(VOIDED, _("这份证明已经作废,不能再使用。请向开具的村核实。"), facts)
    if v.reason in (p.BAD_SIGNATURE, p.WRONG_KEY, p.MISMATCH):
        return CheckResult(ALTERED, _(
            "这份证明被改动过,或不是该村开具的:二维码或核验码与乡镇收到的台账对不上,不能当作有效证明。请向开具的村核实。"))
    if v.reason in (p.NOT_IN_REGISTER, p.UNKNOWN_VILLAGE, p.UNKNOWN_CHECK_CODE):
        return CheckResult(NOT_FOUND, _(
            "查不到这份证明:乡镇收到的台账里没有它。可能是核验码抄错了,开具的村不在本乡镇,或村里的记录还没有送到乡镇。"
            "核实之前不能当作有效证明,请向开具的村核实。"))
    if v.reason == p.BAD_CHECK_CODE:
        return CheckResult(PLAIN, v.message)
    if v.reason == p.AMBIGUOUS_CHECK_CODE:
        return CheckResult(PLAIN, _("有几份证明的核验码相同,凭核验码分不出是哪一份。请扫描证明上的二维码核验。"))
    return CheckResult(PLAIN, _(
        "没有看懂输入的内容。请扫描证明或公告上的二维码,或照着印在旁边的核验码输入(证明是六个字符,公告是十六个字符)。"))


def check(hub: Any, text: str | None, today: dt.date) -> CheckResult | None:
    """The answer of ``/check`` for ``text`` (None: nothing asked yet, the page was only opened)."""
    if text is None:
        return None
    text = text.strip()
    if not text:
        return CheckResult(PLAIN, _("请先输入证明或公告上的核验码,或扫描二维码得到的文字,再点“核验”。"))
    if len(text) > MAX_QUERY:
        return CheckResult(PLAIN, _("输入的内容太长了,不是证明或公告上的二维码。请重新扫描,或只输入核验码。"))
    text = _from_address(text)
    answer = _check_notice_payload(hub, text, today)
    if answer is not None:
        return answer
    code = _notice_code(text)
    if code is not None:
        return _check_notice_code(hub, code, today)
    return _check_certificate(hub, text)


def check_page(hub: Any, text: str | None, today: dt.date) -> str:
    result = check(hub, text, today)
    parts = ["<h1>{}</h1>".format(esc(_("核验证明或公告")))]
    parts.append('<p class="lead">{}</p>'.format(esc(_(
        "扫描证明或公告上的二维码,把得到的文字粘贴在下面;或者照着印在二维码旁边的核验码输入。"))))
    if result is not None:
        heading = {GENUINE: _("真实"), VOIDED: _("已作废"), NOT_FOUND: _("查不到"), ALTERED: _("被改动过"),
                   PLAIN: _("请检查输入的内容")}[result.status]
        parts.append('<section class="result {cls}" role="status"><h2>{h}</h2><p>{m}</p>{facts}{link}</section>'.format(
            cls=esc(result.status), h=esc(heading), m=esc(result.message),
            facts=('<dl class="facts">' + "".join("<dt>{}</dt><dd>{}</dd>".format(esc(k), esc(v))
                                                for k, v in result.facts) + "</dl>") if result.facts else "",
            link='<p><a href="{}">{}</a></p>'.format(esc(result.link), esc(_("看这份公告的内容")))
            if result.link else ""))
    parts.append('<form class="check" method="get" action="/check"><p><label for="code">{label}</label></p>'
                 '<textarea id="code" name="code" maxlength="{max}" rows="3">{value}</textarea>'
                 '<p><button type="submit">{go}</button></p></form>'.format(
                     label=esc(_("二维码的内容或核验码:")), max=MAX_QUERY,
                     value=esc((text or "")[:MAX_QUERY] if result is not None and result.status != PLAIN else ""),
                     go=esc(_("核验"))))
    return page(hub.name, _("核验证明或公告"), "\n".join(parts))


# ---------------------------------------------------------------- routes


HEADERS = {"Content-Security-Policy": "default-src 'self'", "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


def china_today() -> dt.date:
    """Today in China (UTC+8): posting periods are Chinese dates, whatever time zone the server's clock is in."""
    return dt.datetime.now(CHINA).date()


@dataclasses.dataclass(frozen=True)
class Reader:
    """The hub as the public pages read it: its name, and an engine whose reads never wait for an import."""

    name: str
    dir: Any
    engine: Any


def reader(hub: Any) -> Reader:
    """On SQLite the hub's own engine begins every transaction IMMEDIATE (as a writer), so a page would wait for
    a bundle being imported; the pages read through their own connections instead, each statement seeing the
    last commit (WAL) and never writing (query_only). PostgreSQL's readers never wait: its engine is used."""
    from sqlalchemy import create_engine, event

    url = str(hub.db_url)
    if not url.startswith("sqlite:"):
        return Reader(hub.name, hub.dir, hub.engine)
    engine = create_engine(url)

    def connect(dbapi_conn: Any, _record: object) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA query_only=1")
        cur.close()

    event.listen(engine, "connect", connect)
    return Reader(hub.name, hub.dir, engine)


CHECKS_PER_MINUTE = 30   # checks one client may ask for in a minute: a six-character code cannot be guessed at speed


class CheckLimiter:
    """At most ``per_minute`` checks a minute from one client address (in memory, per server process)."""

    def __init__(self, per_minute: int = CHECKS_PER_MINUTE, clock: Callable[[], float] | None = None) -> None:
        import threading
        import time

        self.per_minute, self.clock = per_minute, clock or time.monotonic
        self._seen: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = self.clock()
        with self._lock:
            if len(self._seen) > 10_000:  # forget the clients of the last minutes (memory stays bounded)
                self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - 60}
            recent = [t for t in self._seen.get(client, []) if t > now - 60]
            if len(recent) >= self.per_minute:
                self._seen[client] = recent
                return False
            recent.append(now)
            self._seen[client] = recent
            return True


def _client(request: Any) -> str:
    """Who asks: the client's address, or behind a proxy on the same machine (docs/deploy-hub.md) the address
    the proxy names first."""
    host = request.client.host if request.client else ""
    forwarded = request.headers.get("x-forwarded-for", "")
    if host in ("127.0.0.1", "::1") and forwarded:
        return forwarded.split(",")[0].strip()[:64]
    return host


def public_routes(hub: Any, *, today: Callable[[], dt.date] = china_today) -> list[Any]:
    """The villagers' pages of ``hub`` (``today`` gives the day a notice's posting period is judged on)."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import HTMLResponse, RedirectResponse, Response
    from starlette.routing import Route

    hub = reader(hub)

    def answer(body: str, status: int = 200, *, store: bool = False) -> Any:
        headers = dict(HEADERS)
        headers["Cache-Control"] = "public, max-age=300" if store else "no-store"
        return HTMLResponse(body, status_code=status, headers=headers, media_type="text/html; charset=utf-8")

    async def home(request: Any) -> Any:
        return answer(await run_in_threadpool(home_page, hub))

    async def village(request: Any) -> Any:
        code = request.path_params["code"]
        q = request.query_params.get("q", "")
        status, body = await run_in_threadpool(village_page, hub, code, q, today())
        return answer(body, status)

    async def village_slash(request: Any) -> Any:
        return RedirectResponse("/v/{}/".format(quote(request.path_params["code"], safe="")), status_code=308)

    limiter = CheckLimiter()

    async def check_route(request: Any) -> Any:
        text = request.query_params.get("code")  # None: the page opened, nothing asked yet
        if text is not None and not limiter.allow(_client(request)):
            return answer(page(hub.name, _("查询太频繁"), "<p>{}</p>".format(esc(_(
                "这台设备一分钟内查询了太多次。请过一分钟再查。")))), 429)
        return answer(await run_in_threadpool(check_page, hub, text, today()))

    async def css(request: Any) -> Any:
        headers = dict(HEADERS)
        headers["Cache-Control"] = "public, max-age=3600"
        return Response(_css(), media_type="text/css; charset=utf-8", headers=headers)

    async def missing(request: Any) -> Any:
        return answer(page(hub.name, _("找不到这个页面"), not_found_body()), 404)

    return [Route("/", home, methods=["GET", "HEAD"]),
            Route("/v/{code}/", village, methods=["GET", "HEAD"]),
            Route("/v/{code}", village_slash, methods=["GET", "HEAD"]),
            Route("/check", check_route, methods=["GET", "HEAD"]),
            Route(CSS_PATH, css, methods=["GET", "HEAD"]),
            Route("/{path:path}", missing, methods=["GET", "HEAD"])]
