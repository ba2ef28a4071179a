"""What a generated sentence is made of: the facts it reads, the period it speaks of, and a
`Reading` that writes each figure by the document's rules while keeping what it read."""

from dataclasses import dataclass

from committees import formatting as fmt
from committees.models import Organization
from pledges.models import Directive, Theme
from reports.selectors import AwardDecision, OnlineConference, ProposalGroup
from reports.sentences.figures import measure
from reports.statistics import Figures


@dataclass(frozen=True)
class Source:
    """One figure a sentence read: the measure's key and label (or the record it names), the
    value as read, and how the sentence wrote it ("" when it shaped the words only)."""

    label: str
    value: object
    text: str
    key: str = ""  # "pledges_registered", "sessions_by_kind.online"; "" for a record


@dataclass(frozen=True)
class Sentence:
    text: str
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Period:
    """The years a report covers: one ("năm 2024") or a span ("giai đoạn 2021–2025")."""

    first: int
    last: int

    @property
    def is_span(self) -> bool:
        return self.first != self.last

    @property
    def name(self) -> str:
        return f"giai đoạn {fmt.year_span(self.first, self.last)}" if self.is_span else f"năm {self.last}"

    @property
    def title(self) -> str:
        return self.name[0].upper() + self.name[1:]

    @property
    def times(self) -> str:
        """Over a span, people and cells are counted once per year: "lượt"."""
        return "lượt " if self.is_span else ""


@dataclass(frozen=True)
class Facts:
    """Everything the generated sentences read: the figures of the period and the few
    records they name."""

    figures: Figures
    period: Period
    organization: Organization
    directives: tuple[Directive, ...] = ()  # the plans' directives and those they implement, top down
    themes: tuple[Theme, ...] = ()
    online: tuple[OnlineConference, ...] = ()
    awards: tuple[AwardDecision, ...] = ()
    proposals: tuple[ProposalGroup, ...] = ()

    @property
    def is_cell(self) -> bool:
        return self.organization.is_cell

    @property
    def whole(self) -> str:
        """The organization as a whole: "toàn đảng bộ", or the cell itself."""
        return "chi bộ" if self.is_cell else "toàn đảng bộ"


RECIPIENT_NOUNS = {"collective": "tập thể", "person": "cá nhân"}


class Reading:
    """Reads the figures of one sentence at a time and writes them by the document's rules,
    keeping each figure it read for the sentence's sources."""

    def __init__(self, figures: Figures):
        self.figures = figures
        self.sources: list[Source] = []

    def value(self, key: str, *part: str):
        """A measure's value, or a mapping's entry (`part`: its keys, outermost first),
        without writing it."""
        value = measure(key).read(self.figures)
        for depth, name in enumerate(part, start=1):
            value = value.get(name, 0 if depth == len(part) else {})
        return value

    def _keep(self, key: str, part: tuple[str, ...], value, text: str) -> None:
        found = measure(key)
        label = str(found.label)
        if part:
            names = {**RECIPIENT_NOUNS, **dict(found.parts or {})}
            label += ": " + " – ".join(str(names.get(name, name)) for name in part)
        self.sources.append(Source(label=label, value=value, text=text, key=".".join((key, *part))))

    def used(self, key: str, *part: str, shown: str = ""):
        """A value that shaped the sentence without being written as a number (a zero said in
        words, rates all at 100%); returns it."""
        value = self.value(key, *part)
        self._keep(key, part, value, shown)
        return value

    def count(self, key: str, noun: str = "", *part: str) -> str:
        """ "04 lớp": the count with two digits below ten (formatting.count2), then what it counts."""
        value = self.value(key, *part)
        text = fmt.count2(value)
        self._keep(key, part, value, text)
        return f"{text} {noun}".strip()

    def percent(self, key: str) -> str:
        value = self.value(key)
        text = fmt.percent(value)
        self._keep(key, (), value, text)
        return text

    def date(self, key: str) -> str:
        """ "30/4/2024": the date as the document cites dates (formatting.cited_date)."""
        value = self.value(key)
        text = fmt.cited_date(value)
        self._keep(key, (), value, text)
        return text

    def record(self, label: str, value, text: str | None = None) -> str:
        """A fact taken from a record (a directive, a decision), not from the figures."""
        text = str(value) if text is None else text
        self.sources.append(Source(label=label, value=value, text=text))
        return text

    def record_count(self, label: str, value: int, noun: str = "") -> str:
        """A count taken from records (the participants of one conference), written as counts are."""
        text = fmt.count2(value)
        self.sources.append(Source(label=label, value=value, text=text))
        return f"{text} {noun}".strip()

    def record_date(self, label: str, value) -> str:
        return self.record(label, value, fmt.cited_date(value))

    def sentence(self, text: str) -> Sentence:
        """The sentence, with the figures read since the last one."""
        done = Sentence(text=text, sources=tuple(self.sources))
        self.sources = []
        return done


def listing(parts: list[str], last: str = " và ") -> str:
    """ "a", "a và b", "a, b và c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + last + parts[-1]


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
