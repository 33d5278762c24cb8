"""The intake assistant: from an article's text to proposed records.

`propose_from_text` reads; it never writes. What it knows about words lives in
`words.py`; dates are read by `when.py`; names are matched through the folded
keys every search uses (`names.py`).
"""

from operations import names
from operations.models import Organisation, Source
from operations.normalise import normalise_url

from .proposals import Match, Proposal, SourceProposal

# Below this similarity a name is offered to the analyst, never taken as a match.
SURE = 0.85
TITLE_LENGTH = 300


def propose_from_text(text, *, published, url=None, publisher=None):
    """Propose the source, operations, targets and claims that `text` reports.

    `published` is the publication date (a date) that relative dates ("on
    Thursday", "last night") are read against.
    """
    text = text or ""
    proposal = Proposal(
        source=propose_source(text, published=published, url=url, publisher=publisher)
    )
    return proposal


def propose_source(text, *, published, url, publisher):
    url = normalise_url(url) if url else ""
    existing = Source.objects.filter(url=url).only("pk").first() if url else None
    publisher = (publisher or "").strip()
    return SourceProposal(
        url=url,
        title=title_of(text),
        publisher=publisher,
        publisher_matches=matches(Organisation, publisher),
        published_on=published,
        existing=existing.pk if existing else None,
    )


def title_of(text):
    """The first non-empty line, as an article's headline usually is."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line[:TITLE_LENGTH]
    return ""


def matches(model, name, *, limit=5):
    """Records of `model` that `name` may refer to, best first, with their scores."""
    if not name or not names.fold(name):
        return []
    found = []
    for record in model.objects.ranked(name, limit=limit):
        spellings = [record.name, *(alias.name for alias in record.aliases.all())]
        score, spelling = max((names.similarity(name, s), s) for s in spellings)
        found.append(
            Match(
                model=model._meta.model_name,
                id=record.pk,
                name=record.name,
                matched=spelling,
                score=round(score, 2),
                status=record.status,
            )
        )
    return found
