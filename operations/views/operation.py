"""The operation page: the facts as the analyst reads them, and who says what."""

from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from ..caching import cached_for_readers
from ..groups import sees_drafts, visible
from ..models import Claim, Operation, OperationLink

Relation = OperationLink.Relation

# How a link reads from each end: "followed" one way, "followed by" the other.
LINK_FROM = {
    Relation.FOLLOWED: "Followed",
    Relation.SAME_CAMPAIGN: "Same campaign as",
    Relation.DUPLICATE_OF: "Duplicate of",
}
LINK_TO = {
    Relation.FOLLOWED: "Followed by",
    Relation.SAME_CAMPAIGN: "Same campaign as",
    Relation.DUPLICATE_OF: "Recorded again as (duplicate)",
}


def related_operations(operation):
    """(how it relates, the other operation), each once, in the order they happened."""
    pairs = [(LINK_FROM[link.relation], link.to_operation) for link in operation.links_from.all()]
    pairs += [(LINK_TO[link.relation], link.from_operation) for link in operation.links_to.all()]
    unique = {(label, other.pk): (label, other) for label, other in pairs}
    return sorted(unique.values(), key=lambda pair: (pair[1].occurred_at, pair[1].pk))


def anchor(point):
    """The id of a point's section: #point-civilians-killed, #point-outcome-12."""
    if point.point == Claim.Point.OUTCOME:
        return f"point-outcome-{point.target.pk}"
    if point.point == Claim.Point.CASUALTIES:
        return f"point-{slugify(point.category).replace('_', '-')}"
    return f"point-{point.point}"


@cached_for_readers
def detail(request, pk):
    public = not sees_drafts(request.user, Operation)
    operations = visible(Operation, request.user).with_summary(public=public)
    readable = visible(Operation, request.user)
    operation = get_object_or_404(operations.with_links(readable), pk=pk)
    summary = operation.claims_summary
    points = [
        {
            "summary": point,
            "anchor": anchor(point),
            "label": point.public_label if public else point.label,
        }
        for point in summary.points
    ]
    context = {
        "operation": operation,
        "summary": summary,
        "public": public,
        "points": points,
        "where": operation.public_where if public else operation.where,
        # What each claim says, draft names withheld from the public.
        "statements": {claim.pk: claim.describe(public=public) for claim in summary.claims},
        "corrected_by": {earlier.pk: later for earlier, later in summary.corrections},
        "related": related_operations(operation),
    }
    return render(request, "operations/operation_detail.html", context)
