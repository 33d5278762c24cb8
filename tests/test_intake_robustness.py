"""The intake assistant on text it has never seen: it never crashes, never dates an
operation after the publication, and its work grows linearly with the text.

Work is counted, not timed (the machines that run the tests are shared): the
SQL queries one reading makes, and the sentences it reads.
"""

import datetime as dt

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from operations import dates
from operations.intake import words
from operations.intake.assistant import Reader, propose_from_text

pytestmark = pytest.mark.django_db

# The demo fixture is loaded once per test, not per example: proposing writes nothing.
EXAMPLES = settings(
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

VOCABULARY = sorted(
    {phrase for phrase, _ in words.OPERATION_KINDS}
    | {phrase for phrase, _ in words.OUTCOME_WORDS}
    | set(words.NUMBER_WORDS)
    | set(words.VAGUE_COUNTS)
    | set(words.COUNT_NOUNS)
    | set(words.SAYING_VERBS)
    | set(words.CHANNEL_PHRASES)
    | set(words.NEAR_WORDS)
    | set(words.REGION_WORDS)
    | {
        "US",
        "on Thursday",
        "Wednesday night",
        "last night",
        "the night before",
        "at 6:23 p.m. local time",
        "in February",
        "in 2019",
        "on Dec. 31",
        "next week",
        "Qamishli",
        "northern Syria",
        "Abu Bakr al-Baghdadi",
        "Abu 'Ala",
        "CENTCOM",
        "al-",
        "Abu",
        ".",
        ",",
        '"',
        "(",
        ")",
        "\n\n",
    }
)
ARABIC = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=80)
HTML = st.lists(
    st.sampled_from(["<p>", "</p>", "<br>", "<script>", "&amp;", "&nbsp;", "<a href='x'>", "<"])
    | st.sampled_from(VOCABULARY),
    max_size=30,
).map(" ".join)
SENTENCES = st.lists(st.sampled_from(VOCABULARY), max_size=40).map(" ".join)
TEXT = st.one_of(st.text(max_size=300), ARABIC, HTML, SENTENCES)
# Markup whose tags all close: broken markup is not comparable copy by copy, since
# a "<" left open in one copy may hide text that the next copy's ">" reveals.
PAGES = st.lists(SENTENCES, min_size=1, max_size=4).map(
    lambda paragraphs: "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
)
PUBLISHED = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))


def local_dates(proposal):
    for operation in proposal.operations:
        if operation.occurred_at is not None:
            zone = dates.zone(operation.local_time_zone or "UTC")
            yield operation.occurred_at.astimezone(zone).date()


@EXAMPLES
@given(text=TEXT, published=PUBLISHED)
def test_any_text_is_read_without_error_and_nothing_is_dated_after_publication(
    demo, text, published
):
    proposal = propose_from_text(text, published=published, url=None, publisher=None)
    assert all(day <= published for day in local_dates(proposal))
    assert proposal.source.published_on == published


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \n\t ",
        "<html><body></body></html>",
        "غارة أمريكية قرب القامشلي أسفرت عن مقتل قيادي في تنظيم داعش",
        "\u200f\u202e\ufeff\x00",
        "A" * 200_000,
        "US airstrike " * 20_000,
        ("A US airstrike near Qamishli on Thursday killed Abu 'Ala. " * 200),
    ],
    ids=[
        "empty",
        "blank",
        "markup only",
        "arabic",
        "controls",
        "one long word",
        "no stops",
        "many",
    ],
)
def test_unusual_text_is_read_without_error(demo, text):
    proposal = propose_from_text(text, published=dt.date(2022, 10, 7))
    assert all(day <= dt.date(2022, 10, 7) for day in local_dates(proposal))


def work(text):
    """(SQL queries, sentences read) for one reading of `text`."""
    published = dt.date(2022, 10, 7)
    queries = []

    def count(execute, sql, params, many, context):
        # Counted as they run: Django's own query log keeps only the last 9,000.
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        propose_from_text(text, published=published)
    sentences = len(Reader(text, published=published, url=None, publisher=None).sentences)
    return len(queries), sentences


# Queries that a reading makes however long the text: the source, the publisher.
CONSTANT_QUERIES = 10
# Where two copies meet the text is not quite two texts: the first line is the
# headline once, a short line becomes a heading when prose follows it, a quote
# opened in one copy closes in the next. Each copy may cost this much more
# (an operation's look-ups, a sentence) and the work is still linear.
COPY_QUERIES, COPY_SENTENCES = 10, 2


@EXAMPLES
@given(text=st.one_of(SENTENCES, PAGES), copies=st.integers(2, 6))
def test_work_grows_no_faster_than_the_text(demo, text, copies):
    queries, sentences = work(text)
    many_queries, many_sentences = work("\n\n".join([text] * copies))
    assert many_queries <= copies * (queries + COPY_QUERIES) + CONSTANT_QUERIES
    assert many_sentences <= copies * (sentences + COPY_SENTENCES)


def test_work_on_a_real_article_grows_linearly(demo):
    article = (
        "A US airstrike in northern Syria on Thursday at 6:23 p.m. local time killed Abu 'Ala, "
        "US Central Command said in a statement. The night before, a US helicopter raid near "
        "Qamishli killed Rakkan Wahid al-Shammri and injured one of his associates."
    )
    queries, sentences = work(article)
    many_queries, many_sentences = work("\n\n".join([article] * 50))
    assert many_queries <= 50 * queries + CONSTANT_QUERIES
    assert many_sentences == 50 * sentences
