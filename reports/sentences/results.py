"""4. Kết quả thi đua, first part: personal pledges, deeds, the year-end evaluation, models."""

from reports.measures import EVALUATION_PHRASES
from reports.sentences.base import Facts, Reading, Sentence, listing

PLEDGE_FORMS = ("01", "2A", "2B")
REGISTERING = "phải đăng ký kế hoạch cá nhân học tập và làm theo Bác"


def pledge_sentences(facts: Facts) -> list[Sentence]:
    """Personal pledges: who had to register and who was exempt, who did (by form), on time
    or late against the deadline (seed 002)."""
    r = Reading(facts.figures)
    period = facts.period
    times = period.times
    if not r.value("people_required") and not r.value("pledges_registered"):
        r.used("people_required", shown="chưa có")
        r.used("pledges_registered", shown="chưa có")
        return [
            r.sentence(
                f"Trong {period.name} chưa có cán bộ, đảng viên, quần chúng đăng ký kế hoạch cá nhân "
                "học tập và làm theo Bác."
            )
        ]
    whom = f"{times}cán bộ, đảng viên, quần chúng"
    if r.value("people_exempt"):
        people = r.count("people_total", whom)
        required = r.count("people_required", f"{times}người")
        first = f"Tổng số {people}, trong đó {required} {REGISTERING} ({r.count('people_exempt', f'{times}người')} được miễn)"
    else:
        first = f"Tổng số {r.count('people_required', whom)} {REGISTERING}"
    if not r.value("pledges_registered"):
        r.used("pledges_registered", shown="chưa có")
        return [r.sentence(f"{first}; chưa có người nào đăng ký.")]
    registered = f"đã có {r.count('pledges_registered', f'{times}người')} đăng ký, đạt {r.percent('coverage')}"
    forms = [form for form in PLEDGE_FORMS if r.value("pledges_by_form", form)]
    by_form = [r.count("pledges_by_form", f"bản mẫu {form}", form) for form in forms]
    detail = f", gồm {listing(by_form)}" if len(forms) > 1 else (f", theo mẫu {forms[0]}" if forms else "")
    sentences = [r.sentence(f"{first}; {registered}{detail}.")]
    parts = []
    if r.value("pledges_on_time"):
        parts.append(f"{r.count('pledges_on_time', 'bản nộp đúng hạn')} (đạt {r.percent('on_time_rate')})")
    if r.value("pledges_late"):
        parts.append(r.count("pledges_late", "bản nộp muộn"))
    # Over a span each year had its own deadline.
    opening = "Có " if period.is_span else f"Hạn nộp bản đăng ký là ngày {r.date('deadline')}: "
    sentences.append(r.sentence(f"{opening}{', '.join(parts)}."))
    return sentences


ITEM_RESULTS = (
    ("items_done", "việc hoàn thành"),
    ("items_partly", "việc hoàn thành một phần"),
    ("items_not_done", "việc chưa hoàn thành"),
)


def item_sentences(facts: Facts) -> list[Sentence]:
    """The deeds pledged and how they were self-assessed; the committees' collective deeds
    (seed 001: "487 việc làm theo của tập thể cấp ủy")."""
    r = Reading(facts.figures)
    sentences = []
    if r.value("items_total"):
        total = r.count("items_total", "việc làm theo Bác của cá nhân")
        results = []
        for key, noun in ITEM_RESULTS:
            if r.value(key):
                text = r.count(key, noun)
                results.append(f"{text} ({r.percent('items_done_rate')})" if key == "items_done" else text)
        assessed = f"kết quả tự đánh giá: {', '.join(results)}" if results else "chưa có kết quả tự đánh giá"
        sentences.append(r.sentence(f"Tổng số {total}; {assessed}."))
    if r.value("collective_pledges"):
        committees = r.count("collective_pledges", f"{facts.period.times}tập thể cấp ủy")
        deeds = r.count("collective_items", "việc làm theo") if r.value("collective_items") else "việc làm theo"
        sentences.append(r.sentence(f"Có {committees} đăng ký {deeds} của tập thể."))
    return sentences


def evaluation_sentences(facts: Facts) -> list[Sentence]:
    """The year-end evaluation of the members who registered, from the highest level down."""
    r = Reading(facts.figures)
    levels = [level for level in EVALUATION_PHRASES if r.value("evaluations", level)]
    if not levels:
        return []
    who = f"{facts.period.times}người"
    listed = ", ".join(f"{r.count('evaluations', who, level)} {EVALUATION_PHRASES[level]}" for level in levels)
    return [r.sentence(f"Kết quả đánh giá cuối năm theo bản đăng ký: {listed}.")]


def exemplar_sentences(facts: Facts) -> list[Sentence]:
    """Models of learning and following, and the cells still without one (seed 003: "mỗi chi
    bộ ... phải có ít nhất một mô hình")."""
    r = Reading(facts.figures)
    period = facts.period
    if not r.value("exemplars_total"):
        r.used("exemplars_total", shown="chưa có")
        return [r.sentence(f"Trong {period.name} chưa có mô hình, điển hình học tập và làm theo Bác được đăng ký.")]
    text = f"Có {r.count('exemplars_total', 'mô hình, điển hình tiên tiến, cách làm hay')}"
    if r.value("exemplars_by_status", "replicated"):
        text += f", trong đó {r.count('exemplars_by_status', 'mô hình được nhân rộng', 'replicated')}"
    if not facts.is_cell and r.value("cells"):
        if r.value("cells_without_exemplar"):
            text += f"; còn {r.count('cells_without_exemplar', f'{period.times}chi bộ')} chưa có mô hình"
        else:
            r.used("cells_without_exemplar", shown="100%")
            text += "; 100% chi bộ có mô hình"
    return [r.sentence(f"{text}.")]
