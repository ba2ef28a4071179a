"""4. Kết quả thi đua, second part: praise apart from awards, awards by level and by decision
(authority, occasion, number), proposals and to whom (seeds 001, 003)."""

import datetime

from committees.models import Organization, OrganizationKind
from pledges.models import Commendation, CommendationForm
from reports.selectors import AwardDecision
from reports.sentences.base import RECIPIENT_NOUNS, Facts, Reading, Sentence, capitalized, listing
from reports.sentences.figures import AWARD_FORMS

# How each award form is granted, in the words of seed 001 ("được Thủ tướng Chính phủ tặng
# Bằng khen"), and what it is called when its authority is named.
AWARD_PHRASES = {
    CommendationForm.PRIME_MINISTER: "được Thủ tướng Chính phủ tặng Bằng khen",
    CommendationForm.PROVINCE_CHAIR: "được Chủ tịch UBND tỉnh tặng Bằng khen",
    CommendationForm.LABOUR: "được Tổng Liên đoàn Lao động Việt Nam tặng Bằng khen",
    CommendationForm.CERTIFICATE: "được tặng Giấy khen",
    CommendationForm.OTHER: "được khen thưởng bằng hình thức khác",
}
AWARD_NOUNS = {
    CommendationForm.PRIME_MINISTER: "Bằng khen",
    CommendationForm.PROVINCE_CHAIR: "Bằng khen",
    CommendationForm.LABOUR: "Bằng khen",
    CommendationForm.CERTIFICATE: "Giấy khen",
}
AWARD_DECISIONS_LISTED = 10  # decisions named one by one; the counts before them cover all


def recipients(r: Reading, key: str, *part: str) -> list[str]:
    """ "01 tập thể", "02 cá nhân": the non-zero counts of a (collective, person) pair."""
    return [r.count(key, noun, *part, who) for who, noun in RECIPIENT_NOUNS.items() if r.value(key, *part, who)]


def awards_by_level(r: Reading) -> list[tuple[str, list[str]]]:
    """Each award form granted, from the highest level down, with its recipients."""
    return [
        (form, recipients(r, "commendations_by_form", form))
        for form in AWARD_FORMS
        if any(r.value("commendations_by_form", form, who) for who in RECIPIENT_NOUNS)
    ]


def commendation_sentences(facts: Facts) -> list[Sentence]:
    """Praise ("biểu dương, ghi danh") apart from awards; awards by level, then each decision
    with its authority, occasion and number; proposals with their addressee."""
    r = Reading(facts.figures)
    sentences = []
    praised = [r.count(f"praise_{who}", noun) for who, noun in RECIPIENT_NOUNS.items() if r.value(f"praise_{who}")]
    if praised:
        sentences.append(r.sentence(f"Có {', '.join(praised)} được biểu dương, ghi danh “Người tốt, việc tốt”."))
    awarded = [r.count(f"awards_{who}", noun) for who, noun in RECIPIENT_NOUNS.items() if r.value(f"awards_{who}")]
    if awarded:
        by_level = "; ".join(f"{' và '.join(counts)} {AWARD_PHRASES[form]}" for form, counts in awards_by_level(r))
        sentences.append(r.sentence(f"Có {', '.join(awarded)} được khen thưởng, trong đó: {by_level}."))
        sentences.extend(decision_sentences(r, facts.awards))
    sentences.extend(proposal_sentences(r, facts))
    if not sentences:
        r.used("commendations_granted", shown="chưa có")
        r.used("proposals", shown="chưa có")
        sentences.append(
            r.sentence(f"Trong {facts.period.name} chưa có tập thể, cá nhân được biểu dương, khen thưởng.")
        )
    return sentences


def occasion_phrase(occasion: str, year: int) -> str:
    """When an award was given, as reports open the sentence (seed 001: "Nhân dịp kỷ niệm 133
    năm Ngày sinh nhật Bác (19/5/1890 - 19/5/2023)")."""
    if occasion == Commendation.Occasion.BIRTHDAY:
        return f"Nhân dịp kỷ niệm {year - 1890} năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 – 19/5/{year})"
    if occasion == Commendation.Occasion.YEAR_END:
        return f"Nhân dịp tổng kết năm {year}"
    if occasion == Commendation.Occasion.FIVE_YEAR:
        return "Nhân dịp sơ kết, tổng kết giai đoạn"
    return ""


def _by_level(decision: AwardDecision) -> tuple:
    """The highest level first, then by date."""
    level = AWARD_FORMS.index(decision.form) if decision.form in AWARD_FORMS else len(AWARD_FORMS)
    return (level, decision.decision_date or datetime.date.max, decision.decision_number)


def decision_sentences(r: Reading, decisions: tuple[AwardDecision, ...]) -> list[Sentence]:
    """One sentence per decision, the highest level first: "Nhân dịp ..., Thủ tướng Chính phủ
    tặng Bằng khen cho 01 cá nhân (Quyết định số 123/QĐ-TTg ngày 10/5/2024)."."""
    sentences = []
    for d in sorted(decisions, key=_by_level)[:AWARD_DECISIONS_LISTED]:
        name = f"Quyết định {d.decision_number or 'không số'}"
        counts = ((d.collectives, RECIPIENT_NOUNS["collective"]), (d.persons, RECIPIENT_NOUNS["person"]))
        whom = listing([r.record_count(f"{name}: số {noun}", n, noun) for n, noun in counts if n])
        if d.authority:
            text = f"{d.authority} tặng {AWARD_NOUNS.get(d.form, 'khen thưởng')} cho {whom}"
        else:
            text = f"{whom} {AWARD_PHRASES.get(d.form, 'được khen thưởng')}"
        decision = []
        if d.decision_number:
            decision.append(f"Quyết định số {r.record(f'{name}: số', d.decision_number)}")
        if d.decision_date:
            date = r.record_date(f"{name}: ngày", d.decision_date)
            decision.append(f"ngày {date}" if d.decision_number else f"quyết định ngày {date}")
        if decision:
            text += f" ({' '.join(decision)})"
        occasion = occasion_phrase(d.occasion, d.year)
        sentences.append(r.sentence(f"{occasion}, {text}." if occasion else f"{capitalized(text)}."))
    return sentences


# A committee with a standing committee (Ban Thường vụ) is addressed through it ("đề nghị Ban
# Thường vụ Tỉnh ủy", seed 003); a grassroots committee by its name.
STANDING_COMMITTEE_KINDS = (OrganizationKind.PROVINCIAL, OrganizationKind.UPPER_GRASSROOTS, OrganizationKind.DISTRICT)


def addressee_name(organization: Organization) -> str:
    if organization.kind in STANDING_COMMITTEE_KINDS:
        return f"Ban Thường vụ {organization.name}"
    return organization.name


def proposal_sentences(r: Reading, facts: Facts) -> list[Sentence]:
    """ "Đề nghị Ban Thường vụ Tỉnh ủy ... khen thưởng 02 tập thể, 02 cá nhân." per addressee;
    proposals whose addressee was not recorded are counted without one."""
    sentences = []
    for group in facts.proposals:
        label = f"Đề nghị khen thưởng gửi {group.addressee.name}" if group.addressee else "Đề nghị khen thưởng"
        counts = ((group.collectives, RECIPIENT_NOUNS["collective"]), (group.persons, RECIPIENT_NOUNS["person"]))
        whom = ", ".join(r.record_count(f"{label}: số {noun}", n, noun) for n, noun in counts if n)
        if group.addressee is None:
            text = f"Có {whom} được đề nghị khen thưởng."
        elif group.addressee.pk == facts.organization.pk:
            text = f"Các tổ chức đảng trực thuộc đề nghị {addressee_name(group.addressee)} khen thưởng {whom}."
        else:
            text = f"Đề nghị {addressee_name(group.addressee)} khen thưởng {whom}."
        sentences.append(r.sentence(text))
    return sentences
