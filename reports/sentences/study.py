"""3. Công tác tổ chức, tham gia học tập chuyên đề: sessions by kind and who attended them,
online conferences, participation in the theme, the cells' thematic meetings."""

from pledges.models import SessionKind
from reports.selectors import OnlineConference
from reports.sentences.base import Facts, Reading, Sentence, capitalized

SESSION_PHRASES = {
    SessionKind.STUDY: "cuộc học tập, quán triệt chuyên đề",
    SessionKind.THEMATIC: "buổi sinh hoạt chuyên đề hàng quý",
    SessionKind.ONLINE: "hội nghị trực tuyến",
    SessionKind.OTHER: "cuộc học tập, sinh hoạt khác",
}
# Attendance by group, each read by its measure: party members; youth-union and association
# members; the other staff (seed 003 writes the first two apart).
ATTENDANCE_GROUPS = (
    ("attendees_party", "lượt đảng viên"),
    ("attendees_union", "lượt đoàn viên, hội viên"),
    ("attendees_other", "lượt cán bộ, công chức, viên chức, người lao động khác"),
)
PARTICIPATION_GROUPS = (
    ("participation_rate_party", "đảng viên"),
    ("participation_rate_union", "đoàn viên, hội viên"),
    ("participation_rate_other", "cán bộ, công chức, viên chức, người lao động khác"),
)
ONLINE_LISTED = 5  # more conferences than this are counted, not listed one by one


def session_sentences(facts: Facts) -> list[Sentence]:
    """Sessions by kind, then who attended them by group (seed 003: "452 cuộc có 8.842 đồng
    chí dự, trong đó có 6.088 đảng viên, 2.754 đoàn viên, hội viên")."""
    r = Reading(facts.figures)
    period = facts.period
    if not r.value("sessions_total"):
        r.used("sessions_total", shown="chưa tổ chức")
        return [
            r.sentence(
                f"Trong {period.name}, {facts.whole} chưa tổ chức cuộc học tập, quán triệt, sinh hoạt chuyên đề nào."
            )
        ]
    kinds = [kind for kind in SESSION_PHRASES if r.value("sessions_by_kind", kind)]
    if len(kinds) == 1:
        held = r.count("sessions_by_kind", SESSION_PHRASES[kinds[0]], kinds[0])
    else:
        total = r.count("sessions_total", "cuộc học tập, quán triệt, sinh hoạt chuyên đề")
        held = f"{total}, gồm: {'; '.join(r.count('sessions_by_kind', SESSION_PHRASES[k], k) for k in kinds)}"
    sentences = [r.sentence(f"{period.title}, {facts.whole} đã tổ chức {held}.")]
    groups = [(key, noun) for key, noun in ATTENDANCE_GROUPS if r.value(key)]
    if len(groups) == 1:
        sentences.append(r.sentence(f"Có {r.count(*groups[0])} dự."))
    elif groups:
        total = r.count("attendees_total", "lượt người")
        parts = [r.count(key, noun) for key, noun in groups]  # the groups hold commas: "; " between them
        sentences.append(r.sentence(f"Có {total} dự, trong đó {'; '.join(parts)}."))
    return sentences


def online_sentences(facts: Facts) -> list[Sentence]:
    """Online conferences with their bridge points and participants (seed 001: "61 điểm cầu
    kết nối, với tổng số 2.701 cán bộ, đảng viên, công chức, viên chức, người lao động")."""
    r = Reading(facts.figures)
    if not r.value("sessions_by_kind", SessionKind.ONLINE):
        return []
    held = r.count("sessions_by_kind", "hội nghị trực tuyến", SessionKind.ONLINE)
    conferences = facts.online
    if len(conferences) == 1:
        c = conferences[0]
        return [r.sentence(f"Tổ chức {held} “{c.topic}” ngày {_held_on(r, c)} với {_conference_figures(r, c)}.")]
    if conferences and len(conferences) <= ONLINE_LISTED:
        listed = "; ".join(f"“{c.topic}” ngày {_held_on(r, c)} ({_conference_figures(r, c)})" for c in conferences)
        return [r.sentence(f"Tổ chức {held}: {listed}.")]
    if r.value("bridge_points"):
        points = r.count("bridge_points", "điểm cầu")
        return [r.sentence(f"Tổ chức {held}; các cuộc học tập, hội nghị có tổng số {points} kết nối.")]
    return [r.sentence(f"Tổ chức {held}.")]


def _held_on(r: Reading, c: OnlineConference) -> str:
    return r.record_date(f"Hội nghị trực tuyến “{c.topic}”: ngày tổ chức", c.held_on)


def _conference_figures(r: Reading, c: OnlineConference) -> str:
    parts = []
    if c.bridge_points:
        parts.append(r.record_count(f"Hội nghị trực tuyến “{c.topic}”: số điểm cầu", c.bridge_points, "điểm cầu"))
    parts.append(r.record_count(f"Hội nghị trực tuyến “{c.topic}”: số người dự", c.participants, "người tham dự"))
    return ", ".join(parts)


def participation_sentences(facts: Facts) -> list[Sentence]:
    """Who studied the theme, by group (seed 003: "trên 99,5% trong đảng viên, trên 90% trong
    đoàn viên, hội viên"; seed 001: "100% cán bộ, đảng viên ... được học tập chuyên đề")."""
    r = Reading(facts.figures)
    period = facts.period
    studied = "các chuyên đề" if period.is_span else "chuyên đề"
    rates = [(key, who) for key, who in PARTICIPATION_GROUPS if r.value(key) is not None]
    if not rates:
        return []
    if all(r.value(key) >= 1 for key, _ in rates):
        for key, _ in rates:
            r.used(key, shown="100%")
        return [r.sentence(f"100% cán bộ, đảng viên, quần chúng được học tập {studied} {period.name}.")]
    if not any(r.value(key) for key, _ in rates):
        for key, _ in rates:
            r.used(key, shown="chưa có")
        return [r.sentence(f"Trong {period.name} chưa có cán bộ, đảng viên, quần chúng được học tập {studied}.")]
    average = "bình quân " if period.is_span else ""
    parts = [f"{r.percent(key)} trong {who}" for key, who in rates if r.value(key)]
    text = f"Kết quả học tập {studied} {period.name} đạt {average}{'; '.join(parts)}"
    none = [(key, who) for key, who in rates if not r.value(key)]
    for key, _ in none:
        r.used(key, shown="chưa có")
    if none:
        text += f"; chưa có {' và '.join(who for _, who in none)} được học tập"
    return [r.sentence(f"{text}.")]


def meeting_sentences(facts: Facts) -> list[Sentence]:
    """The cells' thematic meetings against the required number (seed 002: at least 2 a year)."""
    r = Reading(facts.figures)
    if not r.value("cells"):
        return []
    period = facts.period
    cells = "chi bộ" if facts.is_cell else "các chi bộ"
    if not r.value("thematic_meetings"):
        r.used("thematic_meetings", shown="chưa tổ chức")
        return [r.sentence(f"Trong {period.name}, {cells} chưa tổ chức buổi sinh hoạt chuyên đề nào.")]
    held = f"{capitalized(cells)} đã tổ chức {r.count('thematic_meetings', 'buổi sinh hoạt chuyên đề')}"
    if facts.is_cell:
        behind = r.used("cells_behind_meetings")
        return [r.sentence(f"{held}, {'chưa đủ' if behind else 'đủ'} số buổi theo yêu cầu.")]
    if r.value("cells_behind_meetings"):
        lagging = r.count("cells_behind_meetings", f"{period.times}chi bộ")
        return [r.sentence(f"{held}; còn {lagging} chưa tổ chức đủ số buổi theo yêu cầu.")]
    r.used("cells_behind_meetings", shown="100%")
    return [r.sentence(f"{held}; 100% chi bộ tổ chức đủ số buổi theo yêu cầu.")]
