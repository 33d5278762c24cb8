"""The intake assistant: from an article's text to proposed records.

`propose_from_text` reads; it never writes. What it knows about words lives in
`words.py`; dates are read by `when.py`; names are matched through the folded
keys every search uses (`names.py`), against the project's own records.

It reads sentence by sentence with bounded work per sentence (a sentence is cut
at SENTENCE_LENGTH characters), and looks names up in a fixed number of
queries per batch of candidate phrases, so that time grows with the text, no
faster. When unsure it proposes less: a name it cannot place becomes a
candidate list or a note, never a silent pick.
"""

import datetime as dt
import html
import re
from dataclasses import dataclass, field

import pytz
from django.utils.html import strip_tags

from operations import dates, names
from operations.models import (
    Claim,
    LocationPrecision,
    Operation,
    OperationKind,
    Organisation,
    OrganisationAlias,
    Outcome,
    Person,
    PersonAlias,
    Place,
    PlaceName,
    Source,
    km_between,
)
from operations.normalise import normalise_url

from . import when, words
from .proposals import (
    ClaimProposal,
    Match,
    OperationProposal,
    Proposal,
    SameEvent,
    SourceProposal,
    TargetProposal,
)

# Below this similarity a name is offered to the analyst, never taken as a match.
SURE = 0.85
TITLE_LENGTH = 300
HEADLINE_LENGTH = 150
SENTENCE_LENGTH = 1500
# The longest name looked up, in words ("Abu Ibrahim al-Hashimi al-Qurashi" is 4).
NAME_WORDS = 6
LOOKUP_BATCH = 400
# Places this close (km) are "close" when matching a recorded operation.
CLOSE_KM = 30

TOKEN = re.compile(r"[^\W_](?:[\w'’‘ʿʾ`.-]*[^\W_])?|\d+(?:[.,:]\d+)*", re.UNICODE)
# Sentence ends: a stop, then space, unless the word before is an abbreviation.
SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+")
ABBREVIATIONS = {
    "u.s",
    "p.m",
    "a.m",
    "mr",
    "mrs",
    "ms",
    "dr",
    "gen",
    "lt",
    "col",
    "maj",
    "capt",
    "sgt",
    "st",
    "no",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "e.g",
    "i.e",
    "vs",
    "approx",
}
ARABIC = re.compile(r"[\u0600-\u06ff]")


def propose_from_text(text, *, published, url=None, publisher=None):
    """Propose the source, operations, targets and claims that `text` reports.

    `published` is the publication date (a date) that relative dates ("on
    Thursday", "last night") are read against.
    """
    return Reader(text or "", published=published, url=url, publisher=publisher).proposal()


# --- reading the text ------------------------------------------------------------


@dataclass
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self):
        return self.text.lower()

    @property
    def capitalised(self):
        first = self.text[0]
        return first.isupper() or bool(ARABIC.match(first))


@dataclass
class Hit:
    """A span of tokens that names recorded persons, organisations or places."""

    first: int
    last: int  # inclusive
    model: str
    matches: list
    text: str


@dataclass
class Sentence:
    text: str
    tokens: list
    paragraph: int = 0
    # A short line without a full stop: a headline, a byline, a menu. Its names
    # are read, but it reports no operation of its own (the text below tells it).
    heading: bool = False
    hits: list = field(default_factory=list)
    attribution: str = ""

    def words(self, first, last):
        return self.text[self.tokens[first].start : self.tokens[last].end]

    def lower_tokens(self):
        return [token.lower for token in self.tokens]


# HTML elements that end a paragraph: each becomes a blank line before the tags go.
BLOCK_TAG = re.compile(
    r"<(?:/?(?:p|div|h[1-6]|li|ul|ol|tr|td|table|article|section|header|footer|nav|title"
    r"|blockquote|figcaption|aside|main|body|head|html)\b[^<>]*|br\s*/?)>",
    re.IGNORECASE,
)
# The longest line that is taken for a heading when it has no full stop, in words.
HEADING_WORDS = 20


def clean(text):
    """Plain text: no HTML markup, entities read, U.S. written US (the stops end sentences)."""
    if "<" in text:
        text = strip_tags(BLOCK_TAG.sub("\n\n", text))
    text = html.unescape(text)
    text = re.sub(r"\bU\.S\.(?=\s|$|[,;:])", "US", text)
    return text.replace("\u00a0", " ")


def split_sentences(text):
    """Sentences as Sentence objects, each knowing its paragraph."""
    sentences = []
    paragraphs = [
        " ".join(paragraph.split())
        for paragraph in re.split(r"\n\s*\n|\r\n\s*\r\n|(?<=[.!?\"”])\s*\n", text)
    ]
    # A short unpunctuated line is a heading when prose follows it; the last lines
    # of a text pasted without its final full stop are still prose.
    short_lines = [
        bool(paragraph)
        and len(paragraph.split()) <= HEADING_WORDS
        and not re.search(r"[.!?:][\"”’')\]]*$", paragraph)
        for paragraph in paragraphs
    ]
    last_prose = max(
        (n for n, paragraph in enumerate(paragraphs) if paragraph and not short_lines[n]),
        default=-1,
    )
    for number, paragraph in enumerate(paragraphs):
        heading = short_lines[number] and number < last_prose
        start = 0
        parts = []
        for end in SENTENCE_END.finditer(paragraph):
            before = paragraph[start : end.start()].split()
            word = before[-1].lower().rstrip(".") if before else ""
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            parts.append(paragraph[start : end.end()].strip())
            start = end.end()
        parts.append(paragraph[start:].strip())
        sentences.extend(
            Sentence(part[:SENTENCE_LENGTH], tokenise(part[:SENTENCE_LENGTH]), number, heading)
            for part in parts
            if part
        )
    return sentences


def tokenise(sentence):
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(sentence)]


def phrase_pattern(phrases):
    """A regex for any of `phrases` on word boundaries, longest first."""
    ordered = sorted(phrases, key=len, reverse=True)
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(r"(?<![\w-])(" + alternatives + r")(?![\w-])", re.IGNORECASE)


KIND_PATTERN = phrase_pattern([phrase for phrase, _ in words.OPERATION_KINDS])
KINDS = dict(words.OPERATION_KINDS)
OUTCOME_PATTERN = phrase_pattern([phrase for phrase, _ in words.OUTCOME_WORDS])
OUTCOMES = dict(words.OUTCOME_WORDS)
SAYING_PATTERN = phrase_pattern(words.SAYING_VERBS)
CHANNEL_PATTERN = phrase_pattern(words.CHANNEL_PHRASES)
ACCORDING_PATTERN = phrase_pattern(words.ACCORDING_TO)
NEAR_PATTERN = phrase_pattern(words.NEAR_WORDS)
VERB_PATTERN = phrase_pattern([phrase for phrase, _ in words.OPERATION_VERBS])
VERB_KINDS = dict(words.OPERATION_VERBS)
DEED_PATTERN = phrase_pattern([phrase for phrase, _ in words.KIND_FROM_DEEDS])
DEED_KINDS = dict(words.KIND_FROM_DEEDS)
NAMING_PATTERN = phrase_pattern(words.NAMING_PHRASES)
# "killed an ISIS official", "detained a senior ISIS cell leader"
UNNAMED_FATE = re.compile(
    r"(?<![\w-])(?P<outcome>"
    + "|".join(re.escape(phrase) for phrase, _ in words.OUTCOME_WORDS)
    + r")\s+(?:an?|one)\s+(?:[\w'-]+\s+){0,4}?(?:"
    + "|".join(re.escape(noun) for noun in [*words.ROLE_NOUNS, *words.ONE_PERSON_NOUNS])
    + r")(?![\w-])",
    re.IGNORECASE,
)
VAGUE_PLACE_NOUNS = "|".join(re.escape(w) for w in words.VAGUE_PLACE_NOUNS)
COUNTED_OUTCOMES = {
    "killed": Outcome.KILLED,
    "wounded": Outcome.WOUNDED,
    "detained": Outcome.CAPTURED,
}
CONFIRMING_BEFORE = re.compile(
    r"(?<![\w-])(?:" + "|".join(words.CONFIRMING_VERBS) + r")\s+$", re.IGNORECASE
)

NUMBER = (
    r"(?:\d[\d,]*|"
    + "|".join(re.escape(w) for w in sorted(words.NUMBER_WORDS, key=len, reverse=True))
    + "|"
    + "|".join(re.escape(w) for w in sorted(words.VAGUE_COUNTS, key=len, reverse=True))
    + ")"
)
BOUND = (
    r"(?:(?P<bound>"
    + "|".join(re.escape(w) for w in words.AT_LEAST_WORDS + words.AT_MOST_WORDS)
    + r")\s+)?"
)
RANGE = rf"(?:between\s+)?(?P<low>{NUMBER})(?:\s*(?:to|-|–|and|or)\s*(?P<high>\d[\d,]*))?"
NOUN = "|".join(re.escape(w) for w in sorted(words.COUNT_NOUNS, key=len, reverse=True))
VERB = "|".join(re.escape(w) for w in sorted(words.COUNT_VERBS, key=len, reverse=True))
NOTE_STARTS = "|".join(re.escape(w) for w in words.COUNT_NOTE_STARTS)
# A word between a counted noun and its verb, but not one that starts another
# clause: in "killed three suspects and arrested a fourth" the three were not arrested.
SAME_CLAUSE_WORD = r"(?!(?:and|or|but|while|after|before)\s)[\w'-]+\s+"
AUXILIARY = "was|were|have been|had been|has been|are|is|been"
# "no civilians were killed or injured", "one person was killed", "13 people dead",
# "four civilians, among them two children, were killed"
COUNT_THEN_VERB = re.compile(
    rf"(?<![\w-]){BOUND}{RANGE}\s+(?:[\w'-]+\s+){{0,3}}?(?P<noun>{NOUN})"
    rf"(?:\s*,\s*(?P<inner_note>(?:{NOTE_STARTS})\s+[^,.;]{{1,80}}),)?"
    rf"(?:\s+(?:{SAME_CLAUSE_WORD}){{0,4}}?(?:{AUXILIARY})?)?\s*"
    rf"(?P<verb>{VERB})(?:\s+(?:or|and)\s+(?P<verb2>{VERB}))?(?![\w-])",
    re.IGNORECASE,
)
# "killed two senior ISIS figures", "wounding at least 13 civilians"
VERB_THEN_COUNT = re.compile(
    rf"(?<![\w-])(?P<verb>{VERB}|killing|wounding|injuring|detaining|arresting)"
    rf"(?:\s+(?:or|and)\s+(?P<verb2>{VERB}))?\s+{BOUND}{RANGE}\s+"
    rf"(?:[\w'-]+\s+){{0,3}}?(?P<noun>{NOUN})(?![\w-])",
    re.IGNORECASE,
)
# "two of the dead were civilians": a part of a count, told by who they were.
PART_OF_COUNT = re.compile(
    rf"(?<![\w-])(?P<low>{NUMBER})\s+of\s+the\s+(?P<verb>dead|killed|wounded|injured)\s+"
    rf"(?:were|was)\s+(?:all\s+)?(?P<noun>{NOUN})(?![\w-])",
    re.IGNORECASE,
)
NO_ANY = phrase_pattern(words.NO_ANY_OPENINGS)
NO_CASUALTIES = phrase_pattern(list(words.NO_CASUALTIES))
COUNT_NOTE = re.compile(
    r",?\s*(?P<note>(?:"
    + "|".join(re.escape(w) for w in words.COUNT_NOTE_STARTS)
    + r")\s+[^,.;]{1,80})",
    re.IGNORECASE,
)
UNNAMED_TARGET = re.compile(
    r"(?<![\w-])(?P<description>(?:an?|one|another|two|three|four|five|several)\s+(?:of\s+(?:his|their|the|its)\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:"
    + "|".join(re.escape(w) for w in words.UNNAMED_TARGET_NOUNS)
    + r")s?)(?![\w-])",
    re.IGNORECASE,
)
# "X, was killed": a name set off by a comma, then its fate.
PASSIVE_AFTER_COMMA = re.compile(r"\s*,\s*(?:was|were)\s+(?:(?:reportedly|later|also)\s+)?")
PASSIVE = {"was", "were", "is", "been", "being", "himself", "herself", "reportedly"}
INTRANSITIVE = {
    Outcome.DIED_BY_OWN_HAND,
    Outcome.ESCAPED,
    Outcome.UNHARMED,
}
INTRANSITIVE_WORDS = {"died", "dead", "escaped", "fled", "survived", "unharmed", "got away"}
# Words that end a role read backwards from a name: "in which ISIS leader X" gives "ISIS leader".
ROLE_STOPS = {"the", "a", "an", "and", "where", "which", "that", "in", "of", "by", "when", "whom"}
PRONOUN_SUBJECTS = {"he", "she", "it", "they", "the statement", "the ministry", "the command"}


def normalise_count(text):
    text = text.lower().strip()
    if text in words.VAGUE_COUNTS:
        return words.VAGUE_COUNTS[text]
    if text in words.NUMBER_WORDS:
        number = words.NUMBER_WORDS[text]
        return number, number
    number = int(text.replace(",", ""))
    return number, number


class Reader:
    """One reading of one text."""

    def __init__(self, text, *, published, url, publisher):
        self.text = clean(text)
        self.published = published
        self.url = url
        self.publisher = (publisher or "").strip()
        self.notes = []
        self.places = {}  # id -> Place, for those the text names
        self.spellings = {}  # (model name, id) -> the record's name and aliases
        self.country = next(
            (
                words.COUNTRY_WORDS[word.lower()]
                for word in re.findall(r"[\w-]+", self.text[:5000])
                if word.lower() in words.COUNTRY_WORDS
            ),
            "",
        )
        body = self.text
        headline = title_of(self.text)
        if headline and not headline.endswith((".", "!", "?", ":")):
            # The headline repeats what the text then reports in full.
            rest = self.text.lstrip().removeprefix(headline.strip())
            if rest.strip():
                body = rest
        self.sentences = split_sentences(body)

    def proposal(self):
        source = self.propose_source()
        self.find_names()
        previous = ""
        for sentence in self.sentences:
            sentence.attribution = self.attribution(sentence, previous)
            previous = sentence.attribution or previous
        operations = self.propose_operations()
        for operation in operations:
            self.match_recorded(operation, source)
        return Proposal(source=source, operations=operations, notes=self.notes)

    # --- the source ------------------------------------------------------------

    def propose_source(self):
        url = normalise_url(self.url) if self.url else ""
        existing = Source.objects.at_urls([url]).only("pk").first() if url else None
        publisher_matches = matches(Organisation, self.publisher)
        return SourceProposal(
            url=url,
            title=title_of(self.text),
            publisher=self.publisher,
            publisher_matches=publisher_matches,
            published_on=self.published,
            kind=self.source_kind(publisher_matches),
            existing=existing.pk if existing else None,
        )

    def source_kind(self, publisher_matches):
        opening = self.text[:200].lower()
        for phrase, kind in words.SOURCE_KIND_WORDS:
            if phrase in opening:
                return kind.value
        sure = [m for m in publisher_matches if m.score >= SURE]
        if sure:
            kind = Organisation.objects.filter(pk=sure[0].id).values_list("kind", flat=True)
            if kind and kind[0] in words.PRESS_RELEASE_PUBLISHERS:
                return Source.Kind.PRESS_RELEASE.value
        return Source.Kind.NEWS_ARTICLE.value

    # --- names -----------------------------------------------------------------

    def find_names(self):
        """Mark every span that names a recorded place, organisation or person."""
        spans = {}  # key -> [(sentence, first, last)]
        for sentence in self.sentences:
            tokens = sentence.tokens
            for first, token in enumerate(tokens):
                if not (token.capitalised or token.lower in words.REGION_WORDS):
                    continue
                for last in range(first, min(first + NAME_WORDS, len(tokens))):
                    if not (
                        tokens[last].capitalised
                        or "-" in tokens[last].text
                        or tokens[last].lower in words.PLACE_KIND_WORDS
                    ):
                        continue
                    key = names.fold(sentence.words(first, last))
                    if key:
                        spans.setdefault(key, []).append((sentence, first, last))
        found = self.look_up(list(spans))
        for key, records in found.items():
            for sentence, first, last in spans[key]:
                for model, matches_ in records.items():
                    sentence.hits.append(
                        Hit(first, last, model, matches_, sentence.words(first, last))
                    )
        for sentence in self.sentences:
            sentence.hits = longest_first(sentence.hits)

    def look_up(self, keys):
        """{folded key: {model: [Match]}} for keys that name records, in batches."""
        found = {}
        tables = [
            ("place", Place, PlaceName, "place"),
            ("organisation", Organisation, OrganisationAlias, "organisation"),
            ("person", Person, PersonAlias, "person"),
        ]
        for start in range(0, len(keys), LOOKUP_BATCH):
            batch = keys[start : start + LOOKUP_BATCH]
            padded = [f" {key} " for key in batch]
            for model_name, model, alias_model, owner in tables:
                hits = {}  # record id -> set of keys
                for pk, key in model.objects.filter(search_key__in=padded).values_list(
                    "pk", "search_key"
                ):
                    hits.setdefault(pk, set()).add(key.strip())
                for pk, key in alias_model.objects.filter(search_key__in=padded).values_list(
                    f"{owner}_id", "search_key"
                ):
                    hits.setdefault(pk, set()).add(key.strip())
                if not hits:
                    continue
                records = model.objects.filter(pk__in=hits).prefetch_related("aliases")
                for record in records:
                    spellings = [record.name, *(alias.name for alias in record.aliases.all())]
                    self.spellings[model_name, record.pk] = spellings
                    for key in hits[record.pk]:
                        spelling = next(
                            (s for s in spellings if names.fold(s) == key), record.name
                        )
                        found.setdefault(key, {}).setdefault(model_name, []).append(
                            Match(
                                model=model_name,
                                id=record.pk,
                                name=record.name,
                                matched=spelling,
                                score=1.0,
                                status=record.status,
                            )
                        )
                        if model_name == "place":
                            self.places[record.pk] = record
        return found

    def scored(self, found, written):
        """Matches scored against the words as written, best first, each showing the
        spelling closest to them."""
        rescored = []
        for match in found:
            spellings = self.spellings.get((match.model, match.id), [match.name])
            score, spelling = max(
                (names.similarity(written, s) + (s.lower() == written.lower()), s)
                for s in spellings
            )
            rescored.append(
                Match(
                    model=match.model,
                    id=match.id,
                    name=match.name,
                    matched=spelling,
                    score=round(min(score, 1.0), 2),
                    status=match.status,
                )
            )
        rescored.sort(key=lambda match: -match.score)
        return rescored

    # --- attribution -------------------------------------------------------------

    def attribution(self, sentence, previous):
        """Who the sentence says makes its claims, as the text gives it; "" for the source."""
        text = sentence.text
        channel = CHANNEL_PATTERN.search(text)
        channel_text = channel.group(0) if channel else ""
        according = ACCORDING_PATTERN.search(text)
        subject = ""
        if according:
            rest = text[according.end() :]
            subject = re.split(r"[,;.:]| who | which | that ", rest, maxsplit=1)[0]
        else:
            saying = SAYING_PATTERN.search(text)
            if saying:
                before = text[: saying.start()]
                after = text[saying.end() :]
                clause = re.split(r"[,;:\"“”]", before)[-1].strip()
                if clause and len(clause.split()) <= 8:
                    subject = clause
                elif not clause.strip():
                    # "…, said a military spokesman."
                    subject = re.split(r"[,;.:]| that ", after, maxsplit=1)[0]
        subject = subject.strip(" \"“”'")
        subject = re.sub(r"^(?:in a statement|on \w+|also|however|and|but)\s*,?\s*", "", subject)
        subject = re.sub(r"^(?:in a statement|in a press release),\s*", "", subject, flags=re.I)
        if channel_text and channel_text.lower() in subject.lower():
            subject = re.sub(re.escape(channel_text), "", subject, flags=re.I).strip(" ,")
        if not subject or len(subject.split()) > 10:
            return ""
        if subject.lower() in PRONOUN_SUBJECTS:
            return previous
        if channel_text:
            return f"{subject}, {channel_text}"
        return subject

    # --- operations --------------------------------------------------------------

    def propose_operations(self):
        operations = []
        current = None
        current_reading = None
        for index, sentence in enumerate(self.sentences):
            if sentence.heading:
                continue
            mentions = self.operation_mentions(sentence, current_reading)
            new = [m for m in mentions if m["new"]]
            if not new:
                if current is not None and (
                    mentions or self.continues(current, sentence, index, len(operations))
                ):
                    self.add_details(current, sentence, 0, len(sentence.text))
                    current["last"] = index
                continue
            bounds = segment_bounds(sentence.text, [m["start"] for m in new])
            for mention, (start, end) in zip(new, bounds, strict=True):
                current = self.new_operation(sentence, mention, start, end, current_reading)
                current["sentence"] = current["last"] = index
                operations.append(current)
                if current["reading"] is not None:
                    current_reading = current["reading"]
        return [self.finish(operation) for operation in operations]

    def continues(self, operation, sentence, index, reported):
        """Whether a sentence that names no operation tells more of `operation`:
        the sentence after its first, one of the same paragraph as its last, or,
        in a text that reports only this one, any sentence that gives no date of
        its own (a date would be of another time)."""
        if index == operation["sentence"] + 1:
            return True
        if sentence.paragraph == self.sentences[operation["last"]].paragraph:
            return True
        return reported == 1 and not when.read_date(
            sentence.text, published=self.published, zone_name="UTC"
        )

    def operation_mentions(self, sentence, anchor):
        """Kind words in the sentence, each marked new (a first mention) or not;
        failing those, verbs that report an operation ("a drone struck")."""
        mentions = self.kind_mentions(sentence, anchor)
        if not mentions:
            mentions = self.verb_mentions(sentence, anchor)
        if anchor is None and mentions and not any(m["new"] for m in mentions):
            # The first operation of a text may be introduced as "the strike".
            mentions[0]["new"] = True
        return mentions

    def verb_mentions(self, sentence, anchor):
        found = VERB_PATTERN.search(sentence.text)
        if found is None:
            return []
        kind = modified_kind(VERB_KINDS[found.group(0).lower()], sentence.text, found.start())
        is_new = anchor is None or (
            when.read_date(sentence.text, published=self.published, zone_name="UTC") is not None
        )
        return [{"start": found.start(), "kind": kind, "new": is_new, "words": found.group(0)}]

    def kind_mentions(self, sentence, anchor):
        mentions = []
        for found in KIND_PATTERN.finditer(sentence.text):
            after = sentence.text[found.end() : found.end() + 2]
            if after[:1].lower() == "s" and not after[1:2].isalpha():
                continue  # "strikes", "raids": operations in general
            words_before = re.findall(
                r"[\w'-]+", sentence.text[max(0, found.start() - 60) : found.start()]
            )
            lowered = [w.lower() for w in words_before][-5:]
            kind = modified_kind(KINDS[found.group(0).lower()], sentence.text, found.start())
            determiner = next(
                (
                    w
                    for w in reversed(lowered)
                    if w in words.NEW_OPERATION_WORDS or w in words.SAME_OPERATION_WORDS
                ),
                "",
            )
            start = found.start()
            for w in reversed(words_before[-5:]):
                position = sentence.text.rfind(w, 0, start)
                if position < 0:
                    break
                start = position
                if w.lower() in words.NEW_OPERATION_WORDS | words.SAME_OPERATION_WORDS:
                    break
            own_date = when.read_date(
                sentence.text[start : found.end()],
                published=self.published,
                zone_name="UTC",
            )
            is_new = determiner in words.NEW_OPERATION_WORDS or (
                determiner in words.SAME_OPERATION_WORDS and own_date is not None
            )
            if anchor is not None and CONFIRMING_BEFORE.search(sentence.text, 0, start):
                is_new = False  # "confirmed a strike": the one being told
            mentions.append({"start": start, "kind": kind, "new": is_new, "words": found.group(0)})
        return mentions

    def new_operation(self, sentence, mention, start, end, anchor):
        operation = {
            "sentence_text": sentence.text,
            "kind": mention["kind"],
            "parts": [],
            "reading": None,
            "place": None,
            "place_text": "",
            "location_precision": "",
            "country": "",
            "forces": [],
            "force_words": [],
            "targets": [],
            "claims": [],
        }
        self.read_place(operation, sentence, start, end)
        if operation["country"]:
            self.country = operation["country"]
        else:
            # A report about Syria that recalls an earlier raid means one in Syria's time zone.
            operation["country"] = self.country
        segment = sentence.text[start:end]
        if operation["kind"] == OperationKind.OTHER:
            deed = DEED_PATTERN.search(segment)
            if deed:
                operation["kind"] = DEED_KINDS[deed.group(0).lower()]
        operation["reading"] = when.read_date(
            segment,
            published=self.published,
            zone_name=self.zone_name(operation),
            anchor=anchor,
        )
        if operation["reading"] is None and start > 0:
            # "On Thursday, a US airstrike …": the date comes before the mention.
            operation["reading"] = when.read_date(
                sentence.text[:end],
                published=self.published,
                zone_name=self.zone_name(operation),
                anchor=anchor,
            )
        self.add_details(operation, sentence, start, end)
        return operation

    def zone_name(self, operation):
        country = operation["country"]
        zones = pytz.country_timezones.get(country.lower(), []) if country else []
        return zones[0] if len(zones) == 1 else "UTC"

    def read_place(self, operation, sentence, start, end):
        places = [
            hit
            for hit in sentence.hits
            if hit.model == "place" and start <= sentence.tokens[hit.first].start < end
        ]
        segment = sentence.text[start:end]
        if places:
            hit = places[0]
            match = hit.matches[0]
            place = self.places[match.id]
            before = sentence.text[
                max(start, sentence.tokens[hit.first].start - 30) : sentence.tokens[
                    hit.first
                ].start
            ].lower()
            precision = words.PRECISION_OF_PLACE_KIND.get(place.kind, LocationPrecision.EXACT)
            near = NEAR_PATTERN.search(before)
            if near and place.kind in ("site", "settlement"):
                precision = LocationPrecision.NEAR
            region_word = before.split()[-1:] if before.split() else []
            if region_word and region_word[0] in words.REGION_WORDS and place.kind == "country":
                precision = LocationPrecision.COUNTRY
            operation["place"] = match
            operation["place_text"] = hit.text
            operation["location_precision"] = precision
            operation["country"] = place.country
            return
        for word in re.findall(r"[\w'-]+", segment):
            code = words.COUNTRY_WORDS.get(word.lower())
            if code:
                operation["country"] = code
                break
        region = re.search(
            r"\b(?:in|across)\s+((?:the\s+)?(?:[\w-]+\s+){0,2}?[A-Z][\w-]+"
            rf"(?:\s+(?:{VAGUE_PLACE_NOUNS}))?)",
            segment,
        )
        if region and not operation["place"]:
            region_words = {word.lower() for word in region.group(1).split()}
            if region_words & (set(words.REGION_WORDS) | set(words.COUNTRY_WORDS)):
                operation["place_text"] = region.group(1)

    def add_details(self, operation, sentence, start, end):
        """Forces, targets and claims from the part of a sentence about `operation`."""
        operation["parts"].append(sentence.text[start:end])
        if operation["reading"] is not None and start == 0 and end == len(sentence.text):
            finer = when.read_date(
                sentence.text,
                published=self.published,
                zone_name=self.zone_name(operation),
                anchor=operation["reading"],
            )
            if finer is not None and refines(finer, operation["reading"]):
                operation["reading"] = finer
        self.read_forces(operation, sentence, start, end)
        self.read_targets(operation, sentence, start, end)
        self.read_counts(operation, sentence, start, end)

    def read_forces(self, operation, sentence, start, end):
        segment = sentence.text[start:end]
        for word in re.findall(r"[\w.'-]+", segment):
            name = words.FORCE_WORDS.get(word.lower().rstrip("."))
            if name and name not in operation["force_words"]:
                operation["force_words"].append(name)
                if not operation.get("force_adjective"):
                    operation["force_adjective"] = word.rstrip(".")
        attributed = sentence.attribution.lower()
        for hit in sentence.hits:
            if hit.model != "organisation" or not start <= sentence.tokens[hit.first].start < end:
                continue
            if hit.text.lower() in attributed:
                continue
            kinds = dict(
                Organisation.objects.filter(pk__in=[m.id for m in hit.matches]).values_list(
                    "pk", "kind"
                )
            )
            for match in hit.matches:
                if kinds.get(match.id) in ("state_force", "coalition") and match.id not in [
                    f.id for f in operation["forces"]
                ]:
                    operation["forces"].append(match)

    def read_targets(self, operation, sentence, start, end):
        taken = [
            (sentence.tokens[hit.first].start, sentence.tokens[hit.last].end)
            for hit in sentence.hits
        ]
        people = [
            hit
            for hit in sentence.hits
            if hit.model == "person" and start <= sentence.tokens[hit.first].start < end
        ]
        found = [(sentence.tokens[h.first].start, sentence.tokens[h.last].end, h) for h in people]
        for first, last in unknown_names(sentence, start, end, taken):
            found.append((first, last, None))
        for unnamed in UNNAMED_TARGET.finditer(sentence.text, start, end):
            found.append((unnamed.start(), unnamed.end(), "unnamed"))
        found.sort(key=lambda item: item[0])
        # "The command named them as X and Y": the people a count before was about.
        self.read_unnamed_fate(operation, sentence, start, end)
        named_as = NAMING_PATTERN.search(sentence.text, start, end) and operation.get("befell")
        for first, last, hit in found:
            if re.search(r"\([\"“']?$", sentence.text[max(0, first - 2) : first]):
                continue  # a name in brackets after another: "al-Kurdi (“Salim”)"
            outcome, outcome_words = outcome_near(sentence.text, first, last, start, end)
            # Who says what befell them: whoever this sentence quotes, or, for the
            # people a count is about, whoever gave the count.
            attribution = sentence.attribution
            if outcome is None and named_as:
                outcome, attribution = operation["befell"]
            if hit is None and outcome is None:
                continue  # an unknown capitalised phrase that nothing happens to
            written = sentence.text[first:last]
            if any(t["text"] == written for t in operation["targets"]):
                continue
            target = {
                "text": written,
                "sentence": sentence,
                "attribution": attribution,
                "outcome": outcome or Outcome.UNKNOWN,
                "role": role_near(sentence.text, first, last),
                "candidates": [],
                "new_person": "",
                "description": "",
            }
            if hit == "unnamed":
                target["description"] = written
                target["role"] = ""
            elif hit is None:
                target["new_person"] = written
            else:
                target["candidates"] = self.scored(hit.matches, written)
            operation["targets"].append(target)

    def read_unnamed_fate(self, operation, sentence, start, end):
        """Remember what befell someone not yet named ("killed an ISIS official"),
        for the sentence that names them."""
        for found in UNNAMED_FATE.finditer(sentence.text, start, end):
            outcome = OUTCOMES[found.group("outcome").lower()]
            if outcome not in INTRANSITIVE:
                operation["befell"] = (outcome, sentence.attribution)

    def read_counts(self, operation, sentence, start, end):
        # "No indication that any civilians were killed" counts as "no civilians…";
        # the words keep their length, so that positions stay those of the text.
        segment = NO_ANY.sub(lambda any_: "no".ljust(len(any_.group())), sentence.text[start:end])
        seen = set()
        for pattern in (COUNT_THEN_VERB, VERB_THEN_COUNT, PART_OF_COUNT):
            for found in pattern.finditer(segment):
                if any(found.start() < e and s < found.end() for s, e in seen):
                    continue
                seen.add((found.start(), found.end()))
                self.add_count(operation, sentence, segment, found)
        for found in NO_CASUALTIES.finditer(segment):
            side = words.NO_CASUALTIES[" ".join(found.group(0).lower().split())]
            for effect in ("killed", "wounded"):
                operation["claims"].append(
                    ClaimProposal(
                        sentence=sentence.text,
                        point=Claim.Point.CASUALTIES,
                        attribution=sentence.attribution,
                        category=words.CASUALTY_CATEGORIES[side, effect],
                        count_low=0,
                        count_high=0,
                    )
                )

    def add_count(self, operation, sentence, segment, found):
        noun = found.group("noun").lower()
        side = words.COUNT_NOUNS[noun]
        low, high = normalise_count(found.group("low"))
        if (low, high) == (1, 1) and noun.removesuffix("s") in words.UNNAMED_TARGET_NOUNS:
            return  # "one of his associates" is a target, not a count
        groups = found.groupdict()
        if groups.get("high"):
            high = int(found.group("high").replace(",", ""))
        bound = (groups.get("bound") or "").lower()
        if bound in words.AT_LEAST_WORDS:
            high = None
            if bound in ("more than", "over"):
                low += 1
        elif bound in words.AT_MOST_WORDS:
            high = low - (1 if bound in ("fewer than", "less than") else 0)
            low = 0
        note = groups.get("inner_note") or ""
        if not note:
            after = COUNT_NOTE.match(segment, found.end())
            note = after.group("note") if after else ""
        for verb in (groups.get("verb"), groups.get("verb2")):
            if not verb:
                continue
            effect = (
                words.COUNT_VERBS.get(verb.lower())
                or {
                    "killing": "killed",
                    "wounding": "wounded",
                    "injuring": "wounded",
                    "detaining": "detained",
                    "arresting": "detained",
                }[verb.lower()]
            )
            category = words.CASUALTY_CATEGORIES.get((side, effect))
            if category is None:
                continue
            operation["befell"] = (COUNTED_OUTCOMES[effect], sentence.attribution)
            operation["claims"].append(
                ClaimProposal(
                    sentence=sentence.text,
                    point=Claim.Point.CASUALTIES,
                    attribution=sentence.attribution,
                    category=category,
                    count_low=low,
                    count_high=high,
                    count_note=note.strip(),
                )
            )

    # --- the proposal of one operation --------------------------------------------

    def finish(self, operation):
        reading = operation["reading"]
        forces = list(operation["forces"])
        for name in operation["force_words"]:
            for match in matches(Organisation, name, limit=1):
                if match.id not in [f.id for f in forces]:
                    forces.insert(0, match)
        targets = []
        claims = []
        named = set()
        for target in list(operation["targets"]):
            sure = [c.id for c in target["candidates"] if c.score >= SURE][:1]
            if sure and sure[0] in named:
                operation["targets"].remove(target)
            named.update(sure)
        for number, target in enumerate(operation["targets"], start=1):
            key = f"t{number}"
            targets.append(
                TargetProposal(
                    key=key,
                    sentence=target["sentence"].text,
                    text=target["text"],
                    candidates=target["candidates"],
                    new_person=target["new_person"],
                    description=target["description"],
                    role=target["role"],
                    outcome=target["outcome"],
                )
            )
            if target["outcome"] != Outcome.UNKNOWN:
                claims.append(
                    ClaimProposal(
                        sentence=target["sentence"].text,
                        point=Claim.Point.OUTCOME,
                        attribution=target["attribution"],
                        target=key,
                        outcome=target["outcome"],
                    )
                )
        claims.extend(operation["claims"])
        proposal = OperationProposal(
            sentence=operation["sentence_text"],
            kind=operation["kind"],
            title="",
            place=operation["place"],
            place_text=operation["place_text"],
            location_precision=operation["location_precision"],
            forces=forces,
            forces_text=", ".join(operation["force_words"]),
            targets=targets,
            claims=claims,
        )
        if reading is not None:
            proposal.occurred_at = reading.start.astimezone(dt.UTC)
            proposal.date_precision = reading.precision
            proposal.local_time_zone = self.zone_name(operation)
            proposal.date_text = reading.text
        if operation["place"] is None and operation["place_text"]:
            self.notes.append(
                f"No recorded place is called “{operation['place_text']}”: "
                "choose or add one for the operation reported in “"
                + operation["sentence_text"][:80]
                + "…”."
            )
        proposal.title = title_for(proposal, operation.get("force_adjective", ""))
        return proposal

    # --- recorded operations that are probably the same event ------------------------

    def match_recorded(self, proposal, source):
        if proposal.occurred_at is None:
            return
        zone = dates.zone(proposal.local_time_zone or "UTC")
        start = proposal.occurred_at
        end = dates.period_end(start.astimezone(zone), proposal.date_precision).astimezone(dt.UTC)
        person_ids = {
            target.candidates[0].id
            for target in proposal.targets
            if target.candidates and target.candidates[0].score >= SURE
        }
        candidates = (
            Operation.objects.alive()
            .filter(
                occurred_at__lt=end + dt.timedelta(days=1),
                occurred_at__gte=start - dt.timedelta(days=366),
            )
            .select_related("place")
            .prefetch_related("targets")
            .order_by("-occurred_at")[:200]
        )
        same = []
        for recorded in candidates:
            local = recorded.occurred_at.astimezone(dates.zone(recorded.local_time_zone))
            recorded_end = dates.period_end(local, recorded.date_precision).astimezone(dt.UTC)
            if not (recorded.occurred_at < end and start < recorded_end):
                continue
            reasons = ["dates overlap"]
            score = 0.3
            if recorded.kind == proposal.kind:
                reasons.insert(0, "same kind")
                score += 0.3
            shared = [t for t in recorded.targets.all() if t.person_id in person_ids]
            for target in shared:
                reasons.append(f"shares target {target}")
                score += 0.4
            distance = km_between(
                recorded.place, self.places.get(proposal.place.id) if proposal.place else None
            )
            if proposal.place and recorded.place_id == proposal.place.id:
                reasons.append("same place")
                score += 0.2
            elif distance is not None and distance <= CLOSE_KM:
                reasons.append(f"places {distance:.0f} km apart")
                score += 0.2
            if score < 0.6 or (recorded.kind != proposal.kind and not shared):
                continue
            same.append(
                SameEvent(
                    id=recorded.pk,
                    title=recorded.title,
                    when=recorded.when,
                    reasons=reasons,
                    score=round(min(score, 1.0), 2),
                )
            )
        same.sort(key=lambda event: -event.score)
        proposal.same_as = same[:3]
        if proposal.same_as:
            self.compare_claims(proposal, proposal.same_as[0].id, source)

    def compare_claims(self, proposal, operation_id, source):
        """Mark claims that correct or disagree with those recorded for the same point."""
        recorded = list(
            Claim.objects.filter(operation_id=operation_id)
            .exclude(pk__in=Claim.objects.filter(supersedes__isnull=False).values("supersedes"))
            .select_related("target")
        )
        targets = {t.key: t for t in proposal.targets}
        for claim in proposal.claims:
            for earlier in recorded:
                if earlier.point != claim.point:
                    continue
                if claim.point == Claim.Point.CASUALTIES:
                    if earlier.category != claim.category:
                        continue
                    differs = (earlier.count_low, earlier.count_high) != (
                        claim.count_low,
                        claim.count_high,
                    )
                elif claim.point == Claim.Point.OUTCOME:
                    target = targets.get(claim.target)
                    person = target.candidates[0].id if target and target.candidates else None
                    if earlier.target is None or earlier.target.person_id != person:
                        continue
                    differs = earlier.outcome != claim.outcome
                else:
                    continue
                if not differs:
                    continue
                if source.existing is not None and earlier.source_id == source.existing:
                    claim.supersedes = earlier.pk
                else:
                    claim.disagrees_with.append(earlier.pk)


# --- helpers -----------------------------------------------------------------------


def longest_first(hits):
    """Non-overlapping hits, longer spans winning; persons before places at equal length."""
    order = {"person": 0, "organisation": 1, "place": 2}
    chosen = []
    taken = set()
    grouped = {}
    for hit in hits:
        grouped.setdefault((hit.first, hit.last), []).append(hit)
    spans = sorted(grouped, key=lambda span: (-(span[1] - span[0]), span[0]))
    for span in spans:
        positions = set(range(span[0], span[1] + 1))
        if positions & taken:
            continue
        taken |= positions
        chosen.extend(sorted(grouped[span], key=lambda hit: order[hit.model]))
    chosen.sort(key=lambda hit: hit.first)
    return chosen


def modified_kind(kind, text, position):
    """The kind the four words before `position` make it: a "strike" by drones is a
    drone strike."""
    before = [w.lower() for w in re.findall(r"[\w'-]+", text[max(0, position - 60) : position])]
    for modifier, changed, modified in words.KIND_MODIFIERS:
        if kind == changed and modifier in before[-4:]:
            return modified
    return kind


def segment_bounds(text, starts):
    """(start, end) of each part of a sentence about a separate operation."""
    bounds = []
    for index, start in enumerate(starts):
        begin = 0 if index == 0 else start
        if index > 0:
            previous = starts[index - 1]
            cut = max(
                text.rfind(",", previous, start),
                text.rfind(";", previous, start),
                text.rfind(":", previous, start),
                text.rfind(" and ", previous, start),
            )
            if cut > previous:
                begin = cut + 1
            bounds[-1] = (bounds[-1][0], begin)
        bounds.append((begin, len(text)))
    return bounds


def refines(finer, coarse):
    """Whether `finer` is a more precise reading inside the period of `coarse`."""
    order = ["year", "month", "day", "hour", "minute"]
    if order.index(finer.precision) <= order.index(coarse.precision):
        return False
    end = dates.period_end(coarse.start, coarse.precision)
    return coarse.start <= finer.start < end


def unknown_names(sentence, start, end, taken):
    """Spans of capitalised words that look like a person's name no record has."""
    tokens = [t for t in sentence.tokens if start <= t.start < end]
    spans = []
    run = []
    # A run that goes on a capitalised phrase across "for" or "of" is the end of that
    # phrase's name ("Syrian Observatory for Human Rights"), not a person of its own.
    continues_phrase = False

    def close():
        while run and run[-1].lower in words.NAME_PARTICLES:
            run.pop()
        if run and not continues_phrase:
            particle = run[0].lower in ("abu", "abou", "umm") or any(
                t.lower.startswith(("al-", "el-")) or t.lower in ("bin", "ibn") for t in run
            )
            organisation = any(t.lower in words.NOT_PERSON_WORDS for t in run)
            if (particle or len(run) >= 2) and not organisation:
                first, last = run[0].start, run[-1].end
                if not any(first < e and s < last for s, e in taken):
                    spans.append((first, last))
        run.clear()

    for index, token in enumerate(tokens):
        lower = token.lower
        if run and sentence.text[run[-1].end : token.start].strip(" '’‘ʿʾ`"):
            close()  # punctuation between two words ends a name: "al-Shishani (أبو…"
        if (
            token.capitalised
            and lower not in words.NOT_NAMES
            and not lower.isdigit()
            or run
            and (lower in words.NAME_PARTICLES or lower.startswith(("al-", "el-")))
        ):
            if not run:
                continues_phrase = (
                    index >= 2
                    and tokens[index - 1].lower in ("for", "of")
                    and tokens[index - 2].capitalised
                )
            run.append(token)
        else:
            close()
    close()
    # A run at the start of a sentence that is one ordinary word is not a name.
    return [span for span in spans if len(sentence.text[span[0] : span[1]]) > 3]


def outcome_near(text, first, last, start, end):
    """The outcome the words around a name give it: "X was killed", "killed X"."""
    after = text[last:end]
    following = OUTCOME_PATTERN.search(after)
    if following and PASSIVE_AFTER_COMMA.fullmatch(after, 0, following.start()):
        return OUTCOMES[following.group(0).lower()], following.group(0).lower()
    if following and following.start() < 60:
        between = after[: following.start()].lower().split()
        phrase = following.group(0).lower()
        clean_between = [w.strip('(),"') for w in between]
        if (
            set(clean_between) & PASSIVE
            or phrase in INTRANSITIVE_WORDS
            or OUTCOMES[phrase] in INTRANSITIVE
        ) and "," not in after[: following.start()].replace("),", ")"):
            return OUTCOMES[phrase], phrase
        if OUTCOMES[phrase] in INTRANSITIVE and len(between) <= 6:
            return OUTCOMES[phrase], phrase
    before = text[start:first]
    preceding = list(OUTCOME_PATTERN.finditer(before))
    if preceding:
        phrase = preceding[-1].group(0).lower()
        if OUTCOMES[phrase] not in INTRANSITIVE:
            return OUTCOMES[phrase], phrase
    return None, ""


def role_near(text, first, last):
    """A role given right after a name, in brackets or as an apposition, or before it."""
    after = text[last : last + 120]
    bracket = re.match(r"\s*\(([^)]{3,80})\)", after)
    if bracket and not bracket.group(1).startswith(('"', "“", "'")):
        role = bracket.group(1)
        return re.sub(r"^(?:an?|the)\s+", "", role).strip()
    apposition = re.match(r",\s*((?:an?|the|who was)\s+[^,;.()]{3,80}?)(?:,|;|\.|$| who )", after)
    if apposition:
        role = re.sub(r"^(?:an?|the|who was)\s+", "", apposition.group(1)).strip()
        if any(noun in role.lower().split() for noun in words.ROLE_NOUNS) or re.search(
            r"\b(?:" + "|".join(words.ROLE_NOUNS) + r")s?\b", role.lower()
        ):
            return role
    before = text[max(0, first - 60) : first].split()
    if before and before[-1].lower().strip(",") in words.ROLE_NOUNS:
        role = []
        for word in reversed(before[-3:]):
            if word.lower().strip(",") in ROLE_STOPS:
                break
            role.insert(0, word)
        return " ".join(role).strip(",")
    return ""


def title_for(proposal, force_adjective):
    kind = str(OperationKind(proposal.kind).label)
    parts = [force_adjective, kind] if force_adjective else [kind[:1].upper() + kind[1:]]
    if proposal.place is not None:
        near = proposal.location_precision == LocationPrecision.NEAR
        parts.append(("near " if near else "in ") + proposal.place.name)
    killed = [t for t in proposal.targets if t.outcome == Outcome.KILLED and not t.description]
    if len(killed) == 1:
        parts.append(
            "kills " + (killed[0].candidates[0].name if killed[0].candidates else killed[0].text)
        )
    return " ".join(parts)[:TITLE_LENGTH]


def title_of(text):
    """The source's title: the first line, when it is short enough to be a headline;
    else the opening of its first sentence, cut at a word (a pasted text may have no
    headline, and its first paragraph is no title)."""
    line = next((" ".join(line.split()) for line in text.splitlines() if line.strip()), "")
    if len(line) <= HEADLINE_LENGTH:
        return line
    sentences = split_sentences(line)
    first = sentences[0].text if sentences else line
    if len(first) <= HEADLINE_LENGTH:
        return first
    return first[:HEADLINE_LENGTH].rsplit(" ", 1)[0] + "…"


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
