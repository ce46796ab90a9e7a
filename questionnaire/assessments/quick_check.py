"""The quick check: the questionnaire without an account, kept in the visitor's session.

The wizard is the assessment wizard's code path (wizard.QuickCheckWizard); this module holds the session
store, the result page and keeping the result. Nothing is written to our tables until the visitor, signed in,
keeps the result: then the answers become a draft assessment of their organisation (services.keep_answers).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.adapter import KEEP_SESSION_KEY
from accounts.memberships import current_membership

from ..core.evaluation import answers_visibility, evaluate_answers
from ..core.translations import display_spec
from ..core.versions import current_version, spec_for
from ..models import QuestionnaireVersion
from . import presenters
from .forms import KeepForm
from .services import keep_answers

SESSION_KEY = "quick_check"


class SessionAnswers:
    """The visitor's quick-check answers in their session: {"version": <pk>, "answers": {code: JSON value}}."""

    def __init__(self, request: HttpRequest) -> None:
        self.session = request.session

    def _data(self) -> dict[str, Any]:
        return self.session.get(SESSION_KEY) or {}

    def version(self) -> QuestionnaireVersion | None:
        """The version this check started on (kept while it is answered), if it still exists."""
        pk = self._data().get("version")
        return QuestionnaireVersion.objects.filter(pk=pk).first() if pk else None

    def begin(self) -> QuestionnaireVersion | None:
        """The version this check uses (the one it started on, else the current one), recorded in the session;
        None when no questionnaire is published."""
        version = self.version() or current_version()
        if version is not None and self._data().get("version") != version.pk:
            self.session[SESSION_KEY] = {"version": version.pk, "answers": {}}
        return version

    def answers(self) -> dict[str, Any]:
        return dict(self._data().get("answers", {}))

    def save(self, section_code: str, answers: dict[str, Any]) -> None:
        """Save one section's answers (kept by question code, like an assessment's)."""
        data = self._data()
        self.session[SESSION_KEY] = {**data, "answers": {**data.get("answers", {}), **answers}}

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)
        self.session.pop(KEEP_SESSION_KEY, None)


# Every quick-check page shows (or leads to) the visitor's answers, kept in their session: like a signed-in
# member's pages (compliance_checker.guards.NoStoreMiddleware), none is kept by a browser cache or a proxy.
@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """The first section still open (or the result when every question is answered)."""
    store = SessionAnswers(request)
    version = store.begin()
    if version is None:
        return nothing_published(request)
    spec = display_spec(version)
    answers = store.answers()
    section = presenters.first_open_section(spec, answers_visibility(spec, answers), answers)
    return redirect("quick_check_step", step=section) if section else redirect("quick_check_result")


def nothing_published(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("No questionnaire is published yet. An administrator must load it first."))
    return redirect("start")


@never_cache
@require_POST
def restart(request: HttpRequest) -> HttpResponse:
    SessionAnswers(request).clear()
    messages.info(request, _("Your quick-check answers are cleared. Start again below."))
    return redirect("quick_check")


@never_cache
def result(request: HttpRequest) -> HttpResponse:
    """The result of the quick check: the result page's outcome, with the offer to keep it."""
    store = SessionAnswers(request)
    version = store.version()
    if version is None:
        return redirect("quick_check")
    spec = display_spec(version)
    answers = store.answers()
    # evaluated as a stored result is (English texts, language-neutral values); result_page shows its texts in the
    # reader's language (core.translations.shown_outcome). Evaluated on the translated Spec, every French reason
    # equalled its re-evaluation and was marked "(anglais)".
    outcome = evaluate_answers(spec_for(version), answers)
    section = presenters.first_open_section(spec, answers_visibility(spec, answers), answers)
    if section is not None:
        messages.warning(request, _("Answer the remaining questions to see your result."))
        return redirect("quick_check_step", step=section)
    snapshot = {"answers": {c: answers.get(c) for c in outcome.visible_questions if c in answers},
                "result": outcome.to_json()}
    today = timezone.localdate()
    page = presenters.result_page(spec, snapshot, today=today)
    return render(request, "questionnaire/quick_result.html", {
        "spec": spec, "version": version, "page": page, "form": KeepForm(initial=_pending(request)), "today": today,
        "sections": presenters.answered_sections_for(spec, answers, outcome, presenters.quick_check_section_url)})


def _pending(request: HttpRequest) -> dict[str, Any]:
    pending = request.session.get(KEEP_SESSION_KEY)
    return pending if isinstance(pending, dict) else {}


@never_cache
@require_http_methods(["GET", "POST"])
def keep(request: HttpRequest) -> HttpResponse:
    """Keep the quick check as an assessment. Not signed in: remember the wish, offer sign-in or sign-up (both
    come back here). Signed in: the model's name, then the answers become a draft assessment of the
    organisation the session works for."""
    store = SessionAnswers(request)
    version = store.version()
    if version is None or not store.answers():
        messages.info(request, _("There is no quick check to keep in this browser. Start one here."))
        return redirect("quick_check")
    form = KeepForm(request.POST or None, initial=_pending(request))
    if request.method == "POST" and form.is_valid():
        request.session[KEEP_SESSION_KEY] = {"model_name": form.cleaned_data["model_name"]}
    elif not _pending(request):
        request.session[KEEP_SESSION_KEY] = {"model_name": ""}
    if not request.user.is_authenticated:
        return render(request, "questionnaire/quick_keep_sign_in.html", {"next": request.path})

    membership = current_membership(request)
    status = 400 if form.errors else 200
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["model_name"]
        if not membership.can_edit:
            raise PermissionDenied("Viewers cannot start assessments")
        if name:
            assessment = keep_answers(organisation=membership.organisation, user=request.user, version=version,
                                      answers=store.answers(), model_name=name)
            store.clear()
            messages.success(request, _(
                "Your quick check is now an assessment of %(model)s in %(organisation)s, with every answer. Check "
                "them and complete it to freeze the result and get the report.") % {
                    "model": name, "organisation": membership.organisation.name})
            return redirect("check_answers", assessment_id=assessment.pk)
        form.add_error("model_name", _("Enter the name of the model"))
        status = 400
    return render(request, "questionnaire/quick_keep.html",
                  {"form": form, "membership": membership, "organisation": membership.organisation}, status=status)
