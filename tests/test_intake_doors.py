"""Two doors of the intake assistant: POST /api/v1/proposals/ and `manage.py propose`.

Both answer exactly what `propose_from_text` proposes for the same input, refuse
bad input with a clear message, and write nothing.
"""

import dataclasses
import datetime as dt
import io
import json
import sys
import typing

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from operations.api.proposals import ProposalSerializer
from operations.demo import source_url
from operations.intake.assistant import propose_from_text
from operations.intake.proposals import (
    ClaimProposal,
    Match,
    OperationProposal,
    Proposal,
    SameEvent,
    SourceProposal,
    TargetProposal,
)

from .api_client import api_client

PUBLISHED = dt.date(2022, 10, 7)
PUBLISHER = "OpsDB demo newswire"
URL = source_url("newswire-2022-10")
# Written for this test in the manner of a wire report (the events of DESIGN.md's example).
TEXT = """US strike and raid kill two ISIS figures in Syria

QAMISHLI, Syria — A US drone strike near Qamishli killed a senior Islamic State official
at 6:23 p.m. local time on Thursday, US Central Command said in a statement. Two military
sources said no civilians were killed or injured.

The night before, US helicopters landed near the village of Mulla Hussein in a raid that
killed one of the official's associates and captured another, state-run Syrian television
said on Telegram. It said one person was killed and many others were taken.

Earlier, in February, a raid in Atmeh ended when the group's leader blew himself up.
أعلنت القيادة المركزية الأمريكية مقتل قيادي في التنظيم قرب القامشلي.
"""

pytestmark = pytest.mark.django_db


def expected(text=TEXT, published=PUBLISHED, url=URL, publisher=PUBLISHER):
    return propose_from_text(text, published=published, url=url, publisher=publisher).as_json()


def ask(user, data, format="json"):
    return api_client(user).post("/api/v1/proposals/", data, format=format)


def request(**changes):
    return {
        "text": TEXT,
        "published": PUBLISHED.isoformat(),
        "url": URL,
        "publisher": PUBLISHER,
        **changes,
    }


def propose_command(file, *options, stdout=None):
    stdout = stdout or io.StringIO()
    call_command("propose", str(file), *options, stdout=stdout)
    return stdout.getvalue()


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def row_counts():
    """Rows of every table Django knows: records, their history, accounts, tokens."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


# The API door


def test_an_analyst_gets_exactly_what_the_assistant_proposes(demo, analyst):
    response = ask(analyst, request())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == expected()
    assert response.json()["source"]["existing"] is not None


def test_a_reviewer_gets_the_same_proposals(demo, reviewer):
    response = ask(reviewer, request())
    assert response.status_code == 200
    assert response.json() == expected()


def test_a_form_body_gives_the_same_proposals_as_json(demo, analyst):
    response = ask(analyst, request(), format="multipart")
    assert response.status_code == 200
    assert response.json() == expected()


def test_url_and_publisher_may_be_left_out(demo, analyst):
    response = ask(analyst, {"text": TEXT, "published": PUBLISHED.isoformat()})
    assert response.status_code == 200
    assert response.json() == expected(url=None, publisher=None)
    assert response.json()["source"]["url"] == ""


def test_anonymous_callers_are_asked_to_authenticate(db):
    response = ask(None, request())
    assert response.status_code == 401
    assert "detail" in response.json()


def test_an_account_that_may_not_add_operations_is_refused(django_user_model):
    reader = django_user_model.objects.create_user("reader", password="a-long-test-password")
    response = ask(reader, request())
    assert response.status_code == 403
    assert "analysts, reviewers" in response.json()["detail"]


def test_reading_proposals_is_by_post_only(analyst):
    response = api_client(analyst).get("/api/v1/proposals/")
    assert response.status_code == 405


LONGEST = "x" * 100_000
FUTURE = (timezone.now() + dt.timedelta(days=2)).date().isoformat()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"text": None}, "text", "may not be null"),
        ({"text": ""}, "text", "Give the text of the article."),
        ({"text": " \n\t "}, "text", "Give the text of the article."),
        ({"text": LONGEST + "x"}, "text", "no more than 100000 characters"),
        ({"text": "a\x00b"}, "text", "Null characters are not allowed."),
        ({"published": ""}, "published", "wrong format"),
        ({"published": "7 October 2022"}, "published", "YYYY-MM-DD"),
        ({"published": "2022-02-30"}, "published", "wrong format"),
        ({"published": FUTURE}, "published", "cannot be in the future"),
        ({"published": "1899-12-31"}, "published", "from 1900 on"),
        ({"url": "not an address"}, "url", "Enter a valid URL."),
        ({"url": "ftp://example.org/report"}, "url", "http or https"),
        ({"publisher": "p" * 201}, "publisher", "no more than 200 characters"),
    ],
)
def test_bad_input_is_refused_with_the_fields_message(analyst, changes, field, message):
    api_client(analyst)  # the token exists before counting
    before = row_counts()
    response = ask(analyst, request(**changes))
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert row_counts() == before


def test_missing_fields_are_named(analyst):
    response = ask(analyst, {})
    assert response.status_code == 400
    assert set(response.json()) == {"text", "published"}


def test_a_body_that_is_not_json_or_a_form_is_refused(analyst):
    response = api_client(analyst).post("/api/v1/proposals/", "text", content_type="text/plain")
    assert response.status_code == 415


def test_the_longest_text_and_todays_date_are_accepted(analyst):
    today = timezone.localdate()
    response = ask(analyst, request(text=LONGEST, published=today.isoformat()))
    assert response.status_code == 200
    assert response.json() == expected(text=LONGEST, published=today)


def test_asking_for_proposals_writes_nothing(demo, analyst, reviewer):
    for user in (analyst, reviewer):
        api_client(user)  # their tokens exist before counting
    before = row_counts()
    for user in (analyst, reviewer):
        assert ask(user, request()).status_code == 200
        unknown_url = request(url="https://example.org/new")
        assert ask(user, unknown_url, format="multipart").status_code == 200
    assert row_counts() == before


# The command door


def test_the_command_prints_what_the_assistant_proposes(demo, article):
    printed = propose_command(
        article, "--published", "2022-10-07", "--url", URL, "--publisher", PUBLISHER
    )
    assert printed == json.dumps(expected(), indent=2, ensure_ascii=False) + "\n"


def test_the_command_and_the_api_give_the_same_json(demo, analyst, article):
    printed = propose_command(
        article, "--published", "2022-10-07", "--url", URL, "--publisher", PUBLISHER
    )
    answered = ask(analyst, request())
    assert json.loads(printed) == answered.json() == expected()


def test_the_command_prints_arabic_as_it_is(db, tmp_path):
    path = tmp_path / "arabic.txt"
    path.write_text("قصف جوي قرب القامشلي", encoding="utf-8")
    printed = propose_command(path, "--published", "2022-10-07")
    assert "قصف جوي قرب القامشلي" in printed
    assert "\\u" not in printed


def test_a_dash_reads_the_article_from_standard_input(demo, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(TEXT.encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    printed = propose_command("-", "--published", "2022-10-07", "--publisher", PUBLISHER)
    assert json.loads(printed) == expected(url=None)


def test_a_byte_order_mark_is_not_part_of_the_text(db, tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    printed = propose_command(path, "--published", "2022-10-07")
    assert json.loads(printed) == expected(url=None, publisher=None)


@pytest.mark.parametrize(
    "options, message",
    [
        (["--published", "07/10/2022"], "--published: Date has wrong format"),
        (["--published", FUTURE], "--published: A publication date cannot be in the future."),
        (["--published", "2022-10-07", "--url", "www"], "--url: Enter a valid URL."),
    ],
)
def test_the_command_refuses_bad_options_with_a_message(db, article, options, message):
    with pytest.raises(CommandError, match=message):
        propose_command(article, *options)


def test_the_command_needs_a_publication_date(article):
    with pytest.raises(CommandError, match="--published"):
        propose_command(article)


def test_a_missing_file_is_named(db, tmp_path):
    missing = tmp_path / "missing.txt"
    with pytest.raises(CommandError, match=f"Cannot read {missing}: No such file"):
        propose_command(missing, "--published", "2022-10-07")


def test_a_file_that_is_not_utf8_is_refused(db, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Frappe aérienne près de Qamishli".encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text \\(byte 9 cannot be read\\)"):
        propose_command(path, "--published", "2022-10-07")


def test_an_empty_file_is_refused(db, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="empty.txt: Give the text of the article."):
        propose_command(path, "--published", "2022-10-07")


def test_the_command_writes_nothing(demo, article):
    before = row_counts()
    propose_command(article, "--published", "2022-10-07", "--url", "https://example.org/x")
    assert row_counts() == before


# The schema


def dataclass_fields(cls, seen=None):
    """Every dataclass reachable from `cls`, with its field names."""
    seen = {} if seen is None else seen
    seen[cls.__name__] = {field.name for field in dataclasses.fields(cls)}
    for hint in typing.get_type_hints(cls).values():
        for inner in (hint, *typing.get_args(hint)):
            if dataclasses.is_dataclass(inner) and inner.__name__ not in seen:
                dataclass_fields(inner, seen)
    return seen


def test_the_schema_documents_the_request_the_answer_and_the_errors(db):
    schema = api_client().get("/api/schema/", {"format": "json"}).json()
    post = schema["paths"]["/api/v1/proposals/"]["post"]
    components = schema["components"]["schemas"]

    body = post["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(body)
    asked = components["ProposalRequest"]
    assert set(asked["properties"]) == {"text", "published", "url", "publisher"}
    assert set(asked["required"]) == {"text", "published"}
    assert asked["properties"]["text"]["maxLength"] == 100_000

    assert post["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Proposal"
    }
    for name, fields in dataclass_fields(Proposal).items():
        # Every field is always in the answer: a client can rely on it.
        assert set(components[name]["properties"]) == fields, name
        assert set(components[name]["required"]) == fields, name
    operation = components["OperationProposal"]["properties"]
    assert operation["occurred_at"] == {"type": "string", "format": "date-time", "nullable": True}
    assert {"400", "401", "403", "415"} <= set(post["responses"])
    assert "analysts, reviewers" in post["responses"]["403"]["description"]


def test_the_documented_answer_is_what_the_assistant_gives():
    """The serializer behind the schema renders a full proposal exactly as `as_json` does."""
    person = Match(model="person", id=3, name="Abu Hashum", matched="Abu Hashim", score=0.91)
    proposal = Proposal(
        source=SourceProposal(
            url="https://example.org/a",
            title="A title",
            publisher="CENTCOM",
            publisher_matches=[
                Match(model="organisation", id=1, name="CENTCOM", matched="CENTCOM", score=1.0)
            ],
            published_on=PUBLISHED,
            existing=4,
        ),
        operations=[
            OperationProposal(
                sentence="A strike near Qamishli killed him.",
                kind="airstrike",
                title="US airstrike near Qamishli",
                occurred_at=dt.datetime(2022, 10, 6, 15, 23, tzinfo=dt.UTC),
                date_precision="minute",
                local_time_zone="Asia/Damascus",
                date_text="at 6:23 p.m. local time on Thursday",
                place=Match(model="place", id=2, name="Qamishli", matched="Qamishli", score=1.0),
                place_text="near Qamishli",
                location_precision="near",
                forces=[person],
                forces_text="US forces",
                targets=[
                    TargetProposal(
                        key="t1",
                        sentence="It killed him.",
                        text="Abu Hashum",
                        candidates=[person, person],
                        role="official",
                        outcome="killed",
                    ),
                    TargetProposal(
                        key="t2", sentence="s", text="an associate", description="an associate"
                    ),
                ],
                claims=[
                    ClaimProposal(
                        sentence="No civilians were hurt.",
                        point="count",
                        attribution="two military sources",
                        category="civilians_killed",
                        count_low=0,
                        count_high=0,
                        supersedes=7,
                        disagrees_with=[8, 9],
                    ),
                    ClaimProposal(sentence="s", point="outcome", target="t1", outcome="killed"),
                ],
                same_as=[
                    SameEvent(id=5, title="t", when="6 Oct 2022", reasons=["same kind"], score=0.8)
                ],
            ),
            OperationProposal(sentence="s", kind="ground_raid", title="A raid"),
        ],
        notes=["The raid's date is unclear."],
    )
    rendered = json.loads(json.dumps(ProposalSerializer(proposal).data))
    assert rendered == proposal.as_json()
