"""The pages of a person, an organisation, a place and a source.

Each page costs a fixed number of queries, whatever the number of aliases,
roles, operations or claims: everything it lists is prefetched here, and the
templates only read what they are given.
"""

import pycountry
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from .. import periods
from ..caching import cached_for_readers
from ..groups import sees_drafts, visible
from ..models import (
    Claim,
    Operation,
    Organisation,
    Person,
    PersonAlias,
    Place,
    PossibleIdentity,
    Role,
    Source,
    Target,
    country_name,
    name_for,
    withheld,
)

# How many operations a record page lists; the timeline link gives them all.
OPERATIONS_SHOWN = 50


def operation_list(operations, *, public, query, prefetch=()):
    """Up to OPERATIONS_SHOWN of `operations` (newest first), their count and the
    timeline's link to all of them. Costs six queries, and one per `prefetch`."""
    operations = operations.order_by(*Operation._meta.ordering)
    shown = operations.with_summary(public=public, claim_details=False).prefetch_related(*prefetch)
    return {
        "items": list(shown[:OPERATIONS_SHOWN]),
        "count": operations.count(),
        "url": f"{reverse('timeline')}?{query}",
    }


def language_name(code):
    language = pycountry.languages.get(alpha_2=code) if code else None
    return language.name if language else code


@cached_for_readers
def person(request, pk):
    public = not sees_drafts(request.user, Person)
    persons = visible(Person, request.user)
    operations = visible(Operation, request.user)
    sources = visible(Source, request.user)
    record = get_object_or_404(
        persons.prefetch_related(
            "aliases",
            Prefetch(
                "roles",
                queryset=Role.objects.select_related("organisation", "source").order_by(
                    "started_on", "ended_on", "id"
                ),
            ),
            # A draft person's name and the note about them stay with analysts.
            Prefetch(
                "possible_identities_as_first",
                queryset=PossibleIdentity.objects.filter(other__in=persons).select_related(
                    "other", "source"
                ),
            ),
            Prefetch(
                "possible_identities_as_second",
                queryset=PossibleIdentity.objects.filter(person__in=persons).select_related(
                    "person", "source"
                ),
            ),
            # For last_known_outcome.
            Prefetch("targets", queryset=Target.objects.select_related("operation")),
        ),
        pk=pk,
    )
    # What each source said of this person's fate, with the source to link.
    fate_claims = Claim.objects.filter(
        point=Claim.Point.OUTCOME, target__person=record, source__in=sources
    ).select_related("source")
    listed = operation_list(
        operations.filter(pk__in=Target.objects.filter(person=record).values("operation")),
        public=public,
        query=f"person={record.pk}",
        prefetch=[Prefetch("claims", queryset=fate_claims, to_attr="fate_claims")],
    )
    fates = {}
    for operation in listed["items"]:
        detailed = {claim.pk: claim for claim in operation.fate_claims}
        summary = operation.claims_summary
        fates[operation.pk] = [
            fate(target, summary.outcomes[target.pk], detailed)
            for target in operation.targets.all()
            if target.person_id == record.pk
        ]

    roles = list(record.roles.all())
    chart = periods.chart(
        [
            (
                "",
                [
                    periods.role_span(
                        role,
                        label=f"{role.title}, {name_for(role.organisation, public=public)}",
                        title=f"{role.title}, {name_for(role.organisation, public=public)}: "
                        f"{role.period}",
                    )
                    for role in roles
                ],
            )
        ],
        today=timezone.localdate(),
        headers=False,
    )
    identities = [
        {"person": identity.other, "identity": identity}
        for identity in record.possible_identities_as_first.all()
    ] + [
        {"person": identity.person, "identity": identity}
        for identity in record.possible_identities_as_second.all()
    ]
    identities.sort(key=lambda item: (item["person"].name, item["person"].pk))
    return render(
        request,
        "operations/person_detail.html",
        {
            "person": record,
            "public": public,
            "alias_groups": alias_groups(record.aliases.all()),
            "roles": roles,
            "chart": chart if roles else None,
            "identities": identities,
            "last_outcome": record.last_known_outcome,
            "operations": listed,
            "fates": fates,
        },
    )


def fate(target, reported, detailed):
    """What the sources said of one target's fate: the summary's current and
    corrected claims, each with its source (from `detailed`, claims by id)."""
    return {
        "target": target,
        "contested": reported.contested,
        "outcomes": reported.outcome_labels,
        "claims": [detailed[claim.pk] for claim in reported.claims if claim.pk in detailed],
        "superseded": [
            detailed[claim.pk] for claim in reported.superseded if claim.pk in detailed
        ],
    }


def alias_groups(aliases):
    """Aliases grouped by kind, in the order of PersonAlias.Kind: (label, [alias, …])."""
    groups = {kind: [] for kind in PersonAlias.Kind.values}
    for alias in aliases:
        groups.setdefault(alias.kind, []).append(alias)
    labels = dict(PersonAlias.Kind.choices)
    return [(labels.get(kind, kind), found) for kind, found in groups.items() if found]


def succession_start(role):
    """Where a role falls in a succession: by its start, else its end (unknown last)."""
    day = role.started_on or role.ended_on
    return (day is None, day or role.pk, role.pk)


@cached_for_readers
def organisation(request, pk):
    public = not sees_drafts(request.user, Organisation)
    operations = visible(Operation, request.user)
    record = get_object_or_404(
        visible(Organisation, request.user)
        .select_related("parent")
        .prefetch_related(
            "aliases",
            Prefetch("children", queryset=visible(Organisation, request.user)),
            # A draft person's role would tell who they are: readers see published ones.
            Prefetch(
                "roles",
                queryset=Role.objects.filter(person__in=visible(Person, request.user))
                .select_related("person", "source")
                .order_by("started_on", "id"),
            ),
        ),
        pk=pk,
    )
    roles = sorted(record.roles.all(), key=succession_start)
    rows = {}
    for role in roles:
        name = name_for(role.person, public=public)
        rows.setdefault(role.title, []).append(
            periods.role_span(
                role,
                label=name,
                title=f"{name}, {role.title}: {role.period}",
                href=role.person.get_absolute_url(),
            )
        )
    conducted = operation_list(
        operations.filter(forces__organisation=record),
        public=public,
        query=f"actor={record.pk}",
    )
    targeted = operation_list(
        operations.filter(
            pk__in=Operation.objects.targeting(record.pk, public=public).values("pk")
        ),
        public=public,
        query=f"organisation={record.pk}",
    )
    return render(
        request,
        "operations/organisation_detail.html",
        {
            "organisation": record,
            "public": public,
            "country_name": country_name(record.country),
            "roles": roles,
            "roles_have_sources": any(role.source_id for role in roles),
            "chart": periods.chart(list(rows.items()), today=timezone.localdate())
            if roles
            else None,
            "conducted": conducted,
            "targeted": targeted,
        },
    )


@cached_for_readers
def place(request, pk):
    public = not sees_drafts(request.user, Place)
    record = get_object_or_404(visible(Place, request.user).prefetch_related("aliases"), pk=pk)
    listed = operation_list(
        visible(Operation, request.user).filter(place=record),
        public=public,
        query=f"place={record.pk}",
    )
    return render(
        request,
        "operations/place_detail.html",
        {
            "place": record,
            "public": public,
            "names": [
                {"name": alias, "language": language_name(alias.language)}
                for alias in record.aliases.all()
            ],
            "operations": listed,
        },
    )


@cached_for_readers
def source(request, pk):
    public = not sees_drafts(request.user, Source)
    sources = visible(Source, request.user)
    record = get_object_or_404(sources.select_related("publisher"), pk=pk)
    # Corrections from sources the reader may not see do not count, as in the summaries.
    claims = (
        Claim.objects.filter(source=record, operation__in=visible(Operation, request.user))
        .select_related(
            "operation", "target__person", "target__organisation", "place", "supersedes__source"
        )
        .prefetch_related(
            "claimed_forces",
            Prefetch(
                "superseded_by",
                queryset=Claim.objects.filter(source__in=sources).select_related("source"),
            ),
        )
        .order_by("-operation__occurred_at", "-operation__id", "point", "id")
    )
    by_operation = {}
    for claim in claims:
        by_operation.setdefault(claim.operation.pk, (claim.operation, []))[1].append(
            {
                "claim": claim,
                "statement": claim.describe(public=public),
                "superseded_by": list(claim.superseded_by.all()),
                # The claim it corrects, unless that one's source is hidden from this reader.
                "supersedes": claim.supersedes
                if claim.supersedes and not (public and withheld(claim.supersedes.source))
                else None,
            }
        )
    return render(
        request,
        "operations/source_detail.html",
        {
            "source": record,
            "public": public,
            "language": language_name(record.language),
            "groups": list(by_operation.values()),
            "claim_count": sum(len(group[1]) for group in by_operation.values()),
        },
    )
