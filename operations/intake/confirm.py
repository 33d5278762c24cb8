"""Record what the analyst kept on the "Add from article" page, all or nothing.

Everything is written in one transaction, every record validated by the model
first and saved under the analyst's name in the history. What is new is a
draft whoever confirms: publishing stays a reviewer's separate step.
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..caching import data_changed
from ..groups import can_publish
from ..models import Claim, Operation, OperationForce, Person, Source, Status, Target
from ..services import save_as


@dataclass
class Recorded:
    """What a confirmation wrote, for the message the analyst reads."""

    operations: list = field(default_factory=list)  # created or given claims, in page order
    created_operations: list = field(default_factory=list)
    source: Source | None = None
    source_created: bool = False
    persons: list = field(default_factory=list)
    targets: int = 0
    claims: int = 0

    def summary(self):
        parts = [
            _("operation “%(title)s” (#%(id)s, %(status)s)")
            % {
                "title": operation.title,
                "id": operation.pk,
                "status": operation.get_status_display(),
            }
            if operation in self.created_operations
            else _("claims added to operation #%(id)s “%(title)s”")
            % {"id": operation.pk, "title": operation.title}
            for operation in self.operations
        ]
        parts.append(
            _("%(count)s target(s), %(claims)s claim(s)")
            % {
                "count": self.targets,
                "claims": self.claims,
            }
        )
        if self.source_created:
            parts.append(_("new draft source “%(title)s”") % {"title": self.source.title})
        for person in self.persons:
            parts.append(_("new draft person “%(name)s”") % {"name": person.name})
        return _("Recorded from the article: %(parts)s.") % {"parts": "; ".join(parts)}


class RecordRefused(ValidationError):
    """The model refused the record made from a review form.

    Its messages name the proposal and the field, for the top of the page;
    `show_on_form` also puts them beside the proposal's fields.
    """

    def __init__(self, error, *, form, where):
        self.form = form
        self.by_field = error.message_dict if hasattr(error, "error_dict") else {}
        if not self.by_field:
            self.by_field = {NON_FIELD_ERRORS: error.messages}
        super().__init__(
            [
                f"{where}: {message}"
                if name == NON_FIELD_ERRORS
                else f"{where}: {name.replace('_', ' ')}: {message}"
                for name, messages in self.by_field.items()
                for message in messages
            ]
        )

    def show_on_form(self):
        for name, messages in self.by_field.items():
            # The model's own fields that the form names alike (counts, outcome, title…).
            field = name if name in self.form.fields else None
            self.form.add_error(field, messages)


def validated(record, *, form, where):
    """Run the model's validation on a record made from `form`."""
    # Fields the model fills in on save (search keys, the local date, …) are not checked.
    computed = [f.name for f in record._meta.fields if not f.editable]
    try:
        record.full_clean(exclude=computed)
    except ValidationError as error:
        raise RecordRefused(error, form=form, where=where) from error
    return record


@transaction.atomic
def confirm(review, *, user):
    """Write the valid `review` (a review.Review) under `user`; return what was Recorded.

    A ValidationError leaves nothing written.
    """
    kept = [part for part in review.operations if part.form.kept]
    if not kept:
        raise ValidationError(_("Nothing is kept: keep at least one operation to record."))
    recorded = Recorded()
    recorded.source = record_source(review.source, user, recorded)
    for part in kept:
        number = review.operations.index(part) + 1
        operation = record_operation(part.form, user, recorded, where=_("Operation %s") % number)
        targets = record_targets(part, operation, user, recorded, number)
        record_claims(part, operation, recorded, targets, user, number, review.proposal.source)
        if operation not in recorded.created_operations:
            save_as(operation, user)  # marks it changed, and by whom
    return recorded


def record_source(form, user, recorded):
    data = form.cleaned_data
    if data["existing"] is not None:
        return data["existing"]
    source = Source(
        title=data["title"],
        kind=data["kind"],
        url=data["url"],
        publisher=data["publisher"],
        published_on=data["published_on"],
        status=Status.DRAFT,
    )
    save_as(validated(source, form=form, where=_("The source")), user)
    recorded.source_created = True
    return source


def record_operation(form, user, recorded, *, where):
    if form.adds_to is None:
        operation = form.instance
        # The form has no status field; set here too, so that no later form change
        # lets a confirmation publish: a reviewer publishes, on the operation's page.
        operation.status = Status.DRAFT
        save_as(validated(operation, form=form, where=where), user)
        for organisation in form.cleaned_data["forces"]:
            force = OperationForce(operation=operation, organisation=organisation)
            save_as(validated(force, form=form, where=where), user)
        recorded.created_operations.append(operation)
        recorded.operations.append(operation)
        return operation
    # Locked until the claims are in: a reviewer publishing it meanwhile waits, so the
    # published check below holds when the claims are written. The data version's lock
    # comes first, as for every writer.
    data_changed()
    operation = Operation.objects.select_for_update().filter(pk=form.adds_to).first()
    if operation is None or operation.deleted_at or operation.merged_into_id:
        raise ValidationError(
            _("%(where)s: operation #%(id)s is deleted or merged since: choose another.")
            % {"where": where, "id": form.adds_to}
        )
    if operation.is_published and not can_publish(user, operation):
        # As on its admin page: a published operation is a reviewer's to change.
        raise ValidationError(
            _(
                "%(where)s: operation #%(id)s is published, so only a reviewer adds claims "
                "to it. Record a new operation instead, or ask a reviewer to return it "
                "to draft."
            )
            % {"where": where, "id": operation.pk}
        )
    if not user.has_perm("operations.change_operation"):
        raise ValidationError(
            _("%(where)s: you may not change operation #%(id)s.")
            % {"where": where, "id": operation.pk}
        )
    recorded.operations.append(operation)
    return operation


def record_targets(part, operation, user, recorded, number):
    """The kept targets by their proposal key, new or (on a recorded operation) the same one."""
    targets = {}
    for index, form in enumerate(part.targets, start=1):
        if not form.recorded:
            continue
        data = form.cleaned_data
        person = data.get("person")
        if data["new_person"]:
            person = new_person(data["new_person"].strip(), form, user, recorded)
        organisation = data.get("organisation")
        same = operation.targets.filter(
            person=person, organisation=organisation, description=data["description"]
        ).first()
        if same is not None and (person or organisation):
            targets[form.proposal.key] = same  # already a target of the recorded operation
            continue
        target = Target(
            operation=operation,
            person=person,
            organisation=organisation,
            description=data["description"],
            role=data["role"],
            outcome=data["outcome"],
        )
        where = _("Target %(number)s.%(index)s") % {"number": number, "index": index}
        save_as(validated(target, form=form, where=where), user)
        recorded.targets += 1
        targets[form.proposal.key] = target
    return targets


def new_person(name, form, user, recorded):
    """A draft person for a name no record has; one, however often the article names them."""
    for person in recorded.persons:
        if person.name == name:
            return person
    person = Person(name=name, status=Status.DRAFT)
    save_as(validated(person, form=form, where=_("New person %s") % name), user)
    recorded.persons.append(person)
    return person


def record_claims(part, operation, recorded, targets, user, number, proposed_source):
    # The assistant compared the claims with those of its best match only, and a
    # claim corrects an earlier one only when both are the same source's.
    best = part.proposal.same_as[0].id if part.proposal.same_as else None
    compared = (
        operation.pk == best
        and operation not in recorded.created_operations
        and recorded.source.pk == proposed_source.existing
    )
    for index, form in enumerate(part.claims, start=1):
        if not form.recorded:
            continue
        data = form.cleaned_data
        claim = Claim(
            operation=operation,
            source=recorded.source,
            point=data["point"],
            attribution=data["attribution"],
            quote=data["quote"],
            target=targets.get(data["target"]),
            outcome=data["outcome"],
            category=data["category"],
            count_low=data["count_low"],
            count_high=data["count_high"],
            count_note=data["count_note"],
            # A correction of this source's earlier claim on the recorded operation.
            supersedes_id=form.proposal.supersedes if compared else None,
        )
        where = _("Claim %(number)s.%(index)s") % {"number": number, "index": index}
        save_as(validated(claim, form=form, where=where), user)
        recorded.claims += 1
