"""The admin's "Add from article" page: the glue between its forms and the confirm service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .intake.confirm import RecordRefused, confirm
from .intake.review import ArticleForm, Review

TEMPLATE = "admin/operations/operation/add_from_article.html"


def add_from_article(model_admin, request):
    """Step 1 (GET, or a posted article with errors): the article form. Step 2 (the article
    posted with "review"): the review page. Confirming records what the analyst kept."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    article = ArticleForm(request.POST if request.method == "POST" else None)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Add operations from an article"),
        "article": article,
        "media": article.media,
    }
    if not article.is_valid():
        return TemplateResponse(request, TEMPLATE, context)
    proposal = article.propose()
    confirming = "confirm" in request.POST
    review = Review(proposal, request.POST if confirming else None)
    context.update(proposal=proposal, review=review, media=article.media + review.media)
    if review.outdated:
        context["confirm_errors"] = [
            _(
                "The records changed since the page was shown, and so did the proposals: "
                "here they are again. Check them and record them again."
            )
        ]
    valid = confirming and not review.outdated and review.is_valid()
    context["review_errors"] = confirming and not review.outdated and not valid
    if valid:
        try:
            recorded = confirm(review, user=request.user)
        except ValidationError as error:
            context["confirm_errors"] = error.messages
            if isinstance(error, RecordRefused):
                error.show_on_form()
        else:
            model_admin.message_user(request, recorded.summary(), messages.SUCCESS)
            first = recorded.operations[0]
            return redirect(reverse("admin:operations_operation_change", args=[first.pk]))
    return TemplateResponse(request, TEMPLATE, context)
