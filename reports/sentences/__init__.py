"""The sentences a report writes from its figures, each with the figures it read.

A sentence builder takes the report's `Facts` (the figures of the period, the period, and the
few records a sentence names: the directives and themes of the plans, online conferences,
award decisions, proposals) and returns `Sentence`s. Every number goes through a `Reading`
(base.py), which writes it by the document's rules — a count below ten with two digits
("04 lớp"), a rate "42,9%", a date "15/5/2016" (committees/formatting.py) — and keeps what it
read, so that the report's spreadsheet lists, per sentence, the figures that fed it (the
"Nguồn số liệu" sheet).

A sentence with nothing to say is left out, or says so in words ("Trong năm 2024 ... chưa tổ
chức ..."); a part of a sentence whose count is zero is left out ("01 việc hoàn thành, 02
việc chưa hoàn thành", never "0 việc hoàn thành một phần").

Each section lists its builders in `SECTION_SENTENCES`: a new figure's sentence is one
function added to its section's list, reading its measures by key (figures.py).
"""

from collections.abc import Callable

from reports.sentences.base import Facts, Period, Reading, Sentence, Source
from reports.sentences.commendations import commendation_sentences
from reports.sentences.deployment import deployment_sentences, theme_name
from reports.sentences.figures import AWARD_FORMS, DOCUMENT_MEASURES, PRAISE_FORMS, measure
from reports.sentences.results import evaluation_sentences, exemplar_sentences, item_sentences, pledge_sentences
from reports.sentences.study import meeting_sentences, online_sentences, participation_sentences, session_sentences

__all__ = [
    "AWARD_FORMS",
    "DEPLOYMENT",
    "DOCUMENT_MEASURES",
    "PRAISE_FORMS",
    "PROPAGANDA",
    "RESULTS",
    "SECTION_SENTENCES",
    "STUDY",
    "Facts",
    "Period",
    "Reading",
    "Sentence",
    "Source",
    "measure",
    "section_sentences",
    "theme_name",
]

Builder = Callable[[Facts], list[Sentence]]

DEPLOYMENT = "1. Công tác triển khai học tập, quán triệt"
PROPAGANDA = "2. Công tác tuyên truyền"
STUDY = "3. Công tác tổ chức, tham gia học tập chuyên đề"
RESULTS = "4. Kết quả thi đua"

# Each section's sentences, in the order they are written. Training classes and their
# students ("04 lớp ..., có 386 học viên", seed 003) belong in PROPAGANDA; indicators
# (quantified outcomes, seed 000) in RESULTS after the deeds.
SECTION_SENTENCES: dict[str, list[Builder]] = {
    DEPLOYMENT: [deployment_sentences],
    PROPAGANDA: [],
    STUDY: [session_sentences, online_sentences, participation_sentences, meeting_sentences],
    RESULTS: [pledge_sentences, item_sentences, evaluation_sentences, exemplar_sentences, commendation_sentences],
}


def section_sentences(heading: str, facts: Facts) -> list[Sentence]:
    """The generated sentences of the section `heading`, in order."""
    return [sentence for builder in SECTION_SENTENCES[heading] for sentence in builder(facts)]
