"""What the claims about an operation add up to — the one place it is computed.

Pages, the API and exports all read these objects; nothing here is stored.

- A claim is *current* unless a later claim supersedes it. Superseded claims
  are left out of every range and verdict but kept, as history.
- A casualty range runs from the lowest low to the highest high of the current
  claims; one open high ("at least 13") leaves the range open.
- A point is *contested* when its current claims cannot all be true at once
  (`OperationQuerySet.contested()` asks the same in SQL, for filters):
  counts whose ranges share no value (0 and 1 civilians killed; not "at least
  13" and 15), different outcomes for one target (unknown aside), times whose
  periods do not overlap (18:23 and 18:32), different places, different sets
  of forces, different kinds.
"""

from dataclasses import dataclass, field

from .models import FINAL_OUTCOMES, Claim, Outcome, Target, format_count_range

POINT_LABELS = dict(Claim.Point.choices)


@dataclass
class PointSummary:
    """The claims on one point of an operation: current ones and corrected ones."""

    label: str
    claims: list = field(default_factory=list)
    superseded: list = field(default_factory=list)
    contested: bool = False
    point: str = ""

    @property
    def public_label(self):
        """The label as readers may see it (a draft target is not named)."""
        return self.label

    @property
    def changed(self):
        """Whether a later report corrected an earlier one on this point."""
        return bool(self.superseded)

    @property
    def sources(self):
        return list(dict.fromkeys(claim.source for claim in self.claims))


@dataclass
class CountSummary(PointSummary):
    category: str = ""
    low: int | None = None
    high: int | None = None

    @property
    def range(self):
        return format_count_range(self.low, self.high)

    @property
    def reports_harm(self):
        return any(claim.count_low or claim.count_high for claim in self.claims)


@dataclass
class OutcomeSummary(PointSummary):
    target: Target | None = None

    @property
    def public_label(self):
        return outcome_label(self.target.public_name)

    @property
    def outcomes(self):
        """The distinct outcomes the current claims report, in the order first reported."""
        return list(dict.fromkeys(claim.outcome for claim in self.claims))

    @property
    def outcome_labels(self):
        return [Outcome(outcome).label for outcome in self.outcomes]


def outcome_label(name):
    return f"outcome for {name}"


def split_current(claims, superseded_ids):
    current = [claim for claim in claims if claim.pk not in superseded_ids]
    superseded = [claim for claim in claims if claim.pk in superseded_ids]
    return current, superseded


def counts_disagree(claims):
    highest_low = max(claim.count_low for claim in claims)
    highs = [claim.count_high for claim in claims if claim.count_high is not None]
    return bool(highs) and highest_low > min(highs)


def times_disagree(claims):
    latest_start = max(claim.occurred_at for claim in claims)
    return latest_start >= min(claim.period_end() for claim in claims)


class OperationSummary:
    """Derived from `operation.claims.all()` and `operation.targets.all()`.

    Prefetch both (``Operation.objects.with_summary()``): then building a
    summary costs no query, whatever the number of operations.
    """

    def __init__(self, operation):
        self.operation = operation
        claims = list(operation.claims.all())
        self.claims = claims
        superseded_ids = {claim.supersedes_id for claim in claims if claim.supersedes_id}
        by_key = {}
        for claim in claims:
            by_key.setdefault(claim.point_key, []).append(claim)

        self.casualties = {}
        for category, label in Claim.Category.choices:
            group = by_key.get((Claim.Point.CASUALTIES, category))
            if group:
                self.casualties[category] = self._count(category, label, group, superseded_ids)

        self.outcomes = {}
        for target in operation.targets.all():
            group = by_key.get((Claim.Point.OUTCOME, target.pk), [])
            current, superseded = split_current(group, superseded_ids)
            known = {claim.outcome for claim in current} - {Outcome.UNKNOWN}
            self.outcomes[target.pk] = OutcomeSummary(
                point=Claim.Point.OUTCOME,
                label=outcome_label(target.name),
                target=target,
                claims=current,
                superseded=superseded,
                contested=len(known) > 1,
            )

        self.time = self._point(Claim.Point.TIME, by_key, superseded_ids, times_disagree)
        self.place = self._point(
            Claim.Point.PLACE,
            by_key,
            superseded_ids,
            lambda claims: len({claim.place_id for claim in claims}) > 1,
        )
        self.forces = self._point(
            Claim.Point.FORCES,
            by_key,
            superseded_ids,
            lambda claims: (
                len({frozenset(f.pk for f in claim.claimed_forces.all()) for claim in claims}) > 1
            ),
        )
        self.kind = self._point(
            Claim.Point.KIND,
            by_key,
            superseded_ids,
            lambda claims: len({claim.kind for claim in claims}) > 1,
        )
        by_pk = {claim.pk: claim for claim in claims}
        # (earlier, later) pairs: "first reported wounded, later reported killed".
        self.corrections = [
            (by_pk[claim.supersedes_id], claim) for claim in claims if claim.supersedes_id in by_pk
        ]

    @staticmethod
    def _count(category, label, group, superseded_ids):
        current, superseded = split_current(group, superseded_ids)
        summary = CountSummary(
            point=Claim.Point.CASUALTIES,
            label=label,
            category=category,
            claims=current,
            superseded=superseded,
        )
        if current:
            summary.low = min(claim.count_low for claim in current)
            if all(claim.count_high is not None for claim in current):
                summary.high = max(claim.count_high for claim in current)
            summary.contested = counts_disagree(current)
        return summary

    @staticmethod
    def _point(point, by_key, superseded_ids, disagree):
        group = by_key.get((point,))
        if not group:
            return None
        current, superseded = split_current(group, superseded_ids)
        return PointSummary(
            point=point,
            label=POINT_LABELS[point],
            claims=current,
            superseded=superseded,
            contested=len(current) > 1 and disagree(current),
        )

    @property
    def points(self):
        """Every point on which there are claims, and every target's outcome."""
        facts = [self.time, self.place, self.forces, self.kind]
        return [
            *self.outcomes.values(),
            *self.casualties.values(),
            *(point for point in facts if point is not None),
        ]

    @property
    def contested_points(self):
        return [point for point in self.points if point.contested]

    @property
    def contested(self):
        return bool(self.contested_points)

    @property
    def civilian_harm(self):
        """Whether some current claim reports civilians killed or wounded."""
        return any(
            self.casualties[category].reports_harm
            for category in (Claim.Category.CIVILIANS_KILLED, Claim.Category.CIVILIANS_WOUNDED)
            if category in self.casualties
        )

    @property
    def sources(self):
        return list(dict.fromkeys(claim.source for claim in self.claims))

    @property
    def source_count(self):
        return len({claim.source_id for claim in self.claims})


def last_known_outcome(person):
    """The Target row that says how `person` was last reported, among published operations.

    A death outranks any later report (a dead man is not wounded later);
    otherwise the most recent operation counts. Reads `person.targets` with
    their operations: prefetch them for a list of persons.
    """
    targets = [
        target
        for target in person.targets.all()
        if target.operation.is_published and target.operation.deleted_at is None
    ]
    targets.sort(key=lambda target: target.operation.occurred_at, reverse=True)
    for target in targets:
        if target.outcome in FINAL_OUTCOMES:
            return target
    return targets[0] if targets else None
