"""What the intake assistant proposes: plain data, nothing written.

The same structure is shown on the admin review page, answered by
POST /api/v1/proposals/ and printed by `manage.py propose`, so every door gives
the same result. Each proposal carries the sentence it came from, so the
analyst can check it against the text.
"""

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

# The longest article any door reads: longer texts are several reports, or not one.
ARTICLE_MAX_LENGTH = 100_000


@dataclass
class Match:
    """An existing record that a name in the text may refer to."""

    model: str  # "person", "organisation" or "place"
    id: int
    name: str  # the record's canonical name
    matched: str  # the name or alias that matched the text
    score: float  # 0–1: how sure the match is; below ~0.85 the analyst decides
    status: str = "published"


@dataclass
class SourceProposal:
    url: str  # normalised; "" when none was given
    title: str
    publisher: str  # as given
    publisher_matches: list[Match] = field(default_factory=list)
    published_on: dt.date | None = None
    kind: str = "news_article"  # a Source.Kind value
    existing: int | None = None  # the Source already recorded at this URL


@dataclass
class TargetProposal:
    key: str  # "t1", "t2"…: how claims of the same operation refer to it
    sentence: str
    text: str  # the words of the text: "Abu 'Ala", "one of his associates"
    # Existing persons and organisations the name may be, best first; several
    # when they share the name (never one picked silently).
    candidates: list[Match] = field(default_factory=list)
    new_person: str = ""  # a name no record has: a new draft person, spelt as written
    description: str = ""  # an unnamed target: "one of his associates"
    role: str = ""  # the role they held then, as the text gives it
    outcome: str = "unknown"  # an Outcome value


@dataclass
class ClaimProposal:
    sentence: str  # also the quote the analyst shortens
    point: str  # a Claim.Point value
    attribution: str = ""  # "US Central Command, in a statement"
    target: str = ""  # a TargetProposal key, for an outcome
    outcome: str = ""
    category: str = ""  # a Claim.Category value, for a count
    count_low: int | None = None
    count_high: int | None = None  # None: no upper bound ("at least 13")
    count_note: str = ""
    # The claim of the same source that this one corrects.
    supersedes: int | None = None
    # Recorded claims of other sources about the same point that say otherwise.
    disagrees_with: list[int] = field(default_factory=list)


@dataclass
class SameEvent:
    """A recorded operation that is probably the event the text reports."""

    id: int
    title: str
    when: str
    reasons: list[str]  # "same kind", "dates overlap", "places 12 km apart", "shares target X"
    score: float


@dataclass
class OperationProposal:
    sentence: str  # the sentence that reports the operation
    kind: str  # an OperationKind value
    title: str  # suggested: "US airstrike near Qamishli"
    occurred_at: dt.datetime | None = None  # aware, UTC; the start of its period
    date_precision: str = ""  # a DatePrecision value; "" when the text gives no date
    local_time_zone: str = ""
    date_text: str = ""  # the words the date was read from
    place: Match | None = None
    place_text: str = ""
    location_precision: str = ""  # a LocationPrecision value
    forces: list[Match] = field(default_factory=list)
    forces_text: str = ""
    targets: list[TargetProposal] = field(default_factory=list)
    claims: list[ClaimProposal] = field(default_factory=list)
    # Recorded operations that are probably the same event, best first: the
    # analyst may add these claims to one of them instead of a new record.
    same_as: list[SameEvent] = field(default_factory=list)


@dataclass
class Proposal:
    source: SourceProposal
    operations: list[OperationProposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the assistant could not decide

    def as_json(self):
        """A dict of JSON types: dates and times in ISO 8601."""
        return _jsonable(dataclasses.asdict(self))


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
