"""The questionnaire wizard on django-formtools' named-URL wizard, through its public API: one code path for an
assessment and for the quick check; only where the answers are kept (the answers store) differs.

formtools calls a page a "step"; here a step is a section. Per request the wizard gets one form class per section
of the questionnaire (`form_list`) and, per section, a condition that asks the engine whether it shows that section
for the saved answers (`condition_dict`); which questions a section shows goes to its form (`get_form_kwargs`).
The storage (`AnswersStorage`) reads and writes the saved answers through the answers store:
`AssessmentAnswers` saves to the database (services.save_section, with history and concurrency checks), so a user
can resume on any device; the quick check's `quick_check.SessionAnswers` keeps them in the visitor's session.
GET always shows the saved answers (unbound forms); a refused POST answers 400, a concurrent edit 409.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from formtools.wizard.storage.base import BaseStorage
from formtools.wizard.views import NamedUrlWizardView

from ..core.access import assessment_for
from ..core.display import decimal
from ..core.evaluation import answers_visibility
from ..core.forms import posted_revision
from ..core.history import ConcurrentEditError
from ..core.translations import display_spec
from ..engine import QuestionType, Spec, Visibility
from ..engine.compute import ACCELERATORS, MARGIN, EstimateInputError, architecture_estimate, hardware_estimate
from ..engine.values import format_flop
from ..models import Assessment
from .forms import answers_to_form_data, section_form_class, to_json_answers
from .quick_check import SessionAnswers, nothing_published
from .services import save_section


class AnswersStore(Protocol):
    """Where a wizard's answers live: the saved JSON answers by question code, and saving one section's."""

    def answers(self) -> dict[str, Any]: ...

    def save(self, section_code: str, answers: dict[str, Any]) -> None: ...


class AssessmentAnswers:
    """An assessment's answers in the database. A save records the history and is refused (ConcurrentEditError)
    when someone changed the same questions after the page was shown (the posted `seen_revision`)."""

    def __init__(self, request: HttpRequest, assessment: Assessment) -> None:
        self.request, self.assessment = request, assessment

    def answers(self) -> dict[str, Any]:
        return self.assessment.answers

    def save(self, section_code: str, answers: dict[str, Any]) -> None:
        save_section(self.assessment, section_code, answers, user=self.request.user,
                     seen_revision=posted_revision(self.request))


class AnswersStorage(BaseStorage):
    """formtools storage over an answers store: a section's data is its saved answers (as form data), and
    storing a section's data saves it. The wizard sets `store` and `spec` before it handles the request.
    formtools' own bookkeeping (current section, files, extra data) lives for one request only."""

    store: AnswersStore | None = None
    spec: Spec | None = None

    def __init__(self, prefix, request=None, file_storage=None) -> None:
        super().__init__(prefix, request, file_storage)
        self.init_data()

    def get_step_data(self, step: str) -> MultiValueDict | None:
        if self.store is None or self.spec is None or not any(s.code == step for s in self.spec.sections):
            return None
        return answers_to_form_data(section_form_class(self.spec, step), step, self.store.answers())

    def set_step_data(self, step: str, cleaned_data: dict[str, Any]) -> None:
        """Save the section's answers: the cleaned JSON answers that the wizard's process_step returns."""
        self.store.save(step, cleaned_data)


def shown_by_engine(section_code: str) -> Callable[[SectionWizard], bool]:
    """The formtools condition of a section: the engine shows it for the saved answers."""
    return lambda wizard: section_code in wizard.visibility().visible_sections


class SectionWizard(NamedUrlWizardView):
    """The wizard over the sections the engine shows; subclasses set `spec` and `store` in dispatch, and say
    the URLs."""

    storage_name = "questionnaire.assessments.wizard.AnswersStorage"
    template_name = "questionnaire/section.html"
    spec: Spec | None = None
    store: AnswersStore | None = None

    # ---- what a subclass provides
    def section_url(self, section_code: str) -> str:
        raise NotImplementedError

    def check_url(self) -> str:
        raise NotImplementedError

    def resume_url(self) -> str:
        raise NotImplementedError

    def caption(self) -> str:
        raise NotImplementedError

    # ---- sections
    def dispatch(self, request, *args, **kwargs):
        # formtools' documented initkwargs, set per request: the sections depend on the questionnaire version
        self.form_list = OrderedDict((s.code, section_form_class(self.spec, s.code)) for s in self.spec.sections)
        self.condition_dict = {s.code: shown_by_engine(s.code) for s in self.spec.sections}
        self._visibility: tuple[dict[str, Any], Visibility] | None = None  # (the saved answers, what they show)
        return super().dispatch(request, *args, **kwargs)

    def visibility(self) -> Visibility:
        """What the engine shows for the saved answers; computed once per state of the saved answers."""
        answers = self.store.answers()
        if self._visibility is None or self._visibility[0] != answers:
            self._visibility = (dict(answers), answers_visibility(self.spec, answers))
        return self._visibility[1]

    def open_section(self, section_code: str) -> bool:
        """Point formtools' storage at the answers and at this section; False when the engine hides it."""
        self.storage.store, self.storage.spec = self.store, self.spec
        self.storage.current_step = section_code
        return section_code in self.get_form_list()

    def get_step_url(self, step: str) -> str:
        if step == self.done_step_name:
            return self.check_url()
        return self.section_url(step)

    def get(self, request, *args, **kwargs):
        section_code = kwargs.get("step")
        if not self.open_section(section_code):
            return redirect(self.resume_url())
        return self.render(self.get_form(section_code))  # unbound: the saved answers, never errors

    def post(self, request, *args, **kwargs):
        section_code = kwargs.get("step")
        if not self.open_section(section_code):
            messages.warning(request, _("That section no longer applies to your answers."))
            return redirect(self.resume_url())
        if request.POST.get(f"{self.prefix}-current_step", section_code) != section_code:
            # formtools would switch to the posted section; the URL says which section this is
            raise SuspiciousOperation("The posted section is not the section of this page")
        if request.POST.get("estimate") or request.POST.get("use_estimate"):
            return self.render_estimate(section_code, request.POST.get("estimate") or request.POST["use_estimate"])
        return super().post(request, *args, **kwargs)

    def process_step(self, form) -> dict[str, Any]:
        """The section's answers to store: the cleaned values as JSON answers."""
        return to_json_answers(form.cleaned_data)

    def render_next_step(self, form, **kwargs):
        self.show_answer_warnings(form)
        # "Change" on the check-your-answers page comes back there after saving
        if self.request.POST.get("return_to") == "check":
            return redirect(self.check_url())
        return super().render_next_step(form, **kwargs)

    def render_done(self, form, **kwargs):
        """After the last section: the check-your-answers page (an assessment) or the result (the quick check),
        which check every section again."""
        self.show_answer_warnings(form)
        return redirect(self.check_url())

    def render(self, form=None, **kwargs):
        """The section's page: 400 when the posted answers were refused, like every other form; `status`
        overrides it (409 for a concurrent edit)."""
        status = kwargs.pop("status", None)
        form = form or self.get_form()
        response = super().render(form, **kwargs)
        response.status_code = status or (400 if form.is_bound and form.errors else 200)
        return response

    # ---- forms
    def get_form_initial(self, step):
        return dict(self.store.answers())

    def get_form_kwargs(self, step=None):
        return {"shown": self.visibility().visible_questions,
                "answer_context": (self.spec, self.store.answers(), timezone.localdate())}

    def show_answer_warnings(self, form) -> None:
        """Warnings about saved answers that are allowed but worth a second look (the form's answer checks)."""
        for warning in getattr(form, "answer_warnings", []):
            messages.warning(self.request, warning)

    # ---- the training-compute estimator without JavaScript
    def render_estimate(self, section_code: str, requested: str):
        """Calculate (`estimate` = "<code>|<method>") or use a calculated value (`use_estimate` = "<code>")."""
        form_class = self.get_form_list()[section_code]
        shown = set(self.visibility().visible_questions)
        fields = {name: field for name, field in form_class.base_fields.items() if name in shown}
        posted = {name: field.widget.value_from_datadict(self.request.POST, None, f"{section_code}-{name}")
                  for name, field in fields.items()}
        code, _, method = requested.partition("|")
        question = self.spec.questions.get(code)
        method = method or self.request.POST.get(f"estimate-{code}-method") or "architecture"
        result: dict[str, Any] = {"method": method}
        if question is None or question.type is not QuestionType.FLOP or code not in fields:
            result["error"] = _("There is no estimator for that question.")
        else:
            estimate, error = run_estimator(self.request.POST, code, result["method"])
            result.update(estimate=estimate, error=error)
            method_question = (self.spec.constants.get("estimator_method_questions") or {}).get(code)
            if method_question in fields:
                result["method_input"] = f"{section_code}-{method_question}"
            if estimate is not None:  # "Calculate" puts the estimate in the answer: one round trip, then save
                posted[code] = f"{estimate.flop:.2e}".replace("e+", "e")
                if method_question in fields:
                    posted[method_question] = method
                result["used"] = True
        form = form_class(prefix=section_code, initial={k: v for k, v in posted.items() if v not in (None, "", [])},
                          **self.get_form_kwargs(section_code))
        return self.render(form, estimates={code: result})

    # ---- page context
    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        sections = self.get_form_list()
        codes = list(sections)
        index = codes.index(self.steps.current)
        possible = list(self.visibility().possible_sections)
        context.update({
            "spec": self.spec,
            "section": form.section,
            "caption": self.caption(),
            "check_url": self.check_url(),
            # of every section that can still apply (engine: Visibility.possible_sections): it does not grow as you go
            "section_number": (possible.index(self.steps.current) + 1 if self.steps.current in possible
                               else index + 1),
            "section_count": max(len(possible), len(codes)),
            "sections_so_far": [{"code": code, "title": sections[code].section.title,
                                 "url": self.get_step_url(code), "current": code == self.steps.current}
                                for code in codes],
            "return_to": "check" if self.request.GET.get("return") == "check"
            or self.request.POST.get("return_to") == "check" else "",
            "previous_url": self.get_step_url(codes[index - 1]) if index > 0 else None,
            "estimates": kwargs.get("estimates", {}),
            # the answer's method question on this page, which the estimator in the browser fills too
            "method_inputs": {code: f"{self.steps.current}-{method}" for code, method in (
                self.spec.constants.get("estimator_method_questions") or {}).items() if method in form.fields},
            "estimator_inputs": self.request.POST if self.request.method == "POST" else {},
            "accelerators": ACCELERATORS,
            "margin_percent": int(MARGIN * 100),
            "thresholds": {"gpai": format_flop(self.spec.constants.get("gpai_threshold"), decimal()),
                           "systemic": format_flop(self.spec.constants.get("sr_threshold"), decimal())},
            "is_last": index == len(codes) - 1,
        })
        return context


class AssessmentWizard(LoginRequiredMixin, SectionWizard):
    """An assessment's answers, saved section by section with their history (assessments.services.save_section)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assessment = assessment_for(request, kwargs["assessment_id"], edit=True)
        if self.assessment.is_completed:
            messages.info(request, _("This assessment is completed. Copy it to change answers."))
            return redirect("result", assessment_id=self.assessment.pk)
        self.spec = display_spec(self.assessment.questionnaire_version)
        self.store = AssessmentAnswers(request, self.assessment)
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request, *args, **kwargs) -> str:
        return f"assessment-{kwargs['assessment_id']}"

    def section_url(self, section_code: str) -> str:
        return reverse(self.url_name, kwargs={"assessment_id": self.assessment.pk, "step": section_code})

    def check_url(self) -> str:
        return reverse("check_answers", kwargs={"assessment_id": self.assessment.pk})

    def resume_url(self) -> str:
        return reverse("resume", kwargs={"assessment_id": self.assessment.pk})

    def caption(self) -> str:
        name = self.assessment.ai_model.name
        return f"{name} – {self.assessment.title}" if self.assessment.title else name

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ConcurrentEditError as error:
            return self.render_conflict(kwargs["step"], error)

    def render_conflict(self, section_code: str, error: ConcurrentEditError):
        """409: the posted answers again, not saved, with who changed which of them meanwhile."""
        form = self.get_form(section_code, data=self.request.POST)
        form.is_valid()
        labels = ", ".join(f"“{self.spec.questions[c].text}”" for c in error.codes if c in self.spec.questions)
        form.add_error(None, f"{error.by} changed {labels} while you were editing. Your answers below were "
                             "not saved: check them against the saved answers and save again.")
        return self.render(form, seen_revision=self.assessment.revision, status=409)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["assessment"] = self.assessment
        context["seen_revision"] = kwargs.get("seen_revision", self.assessment.revision)
        return context


class QuickCheckWizard(SectionWizard):
    """The quick check: the same sections, forms and engine, with the answers in the visitor's session only
    (quick_check.SessionAnswers); nothing is written to our tables until the visitor keeps the result."""

    def dispatch(self, request, *args, **kwargs):
        self.store = SessionAnswers(request)
        version = self.store.begin()
        if version is None:
            return nothing_published(request)
        self.spec = display_spec(version)
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request, *args, **kwargs) -> str:
        return "quick-check"

    def section_url(self, section_code: str) -> str:
        return reverse(self.url_name, kwargs={"step": section_code})

    def check_url(self) -> str:
        return reverse("quick_check_result")

    def resume_url(self) -> str:
        return reverse("quick_check")

    def caption(self) -> str:
        return _("Quick check, without an account")


def run_estimator(data: MultiValueDict | dict[str, Any], code: str, method: str = "architecture"):
    """The estimate asked for on a FLOP question: (Estimate, None) or (None, EstimateInputError naming
    the input)."""
    try:
        if method == "hardware":
            preset = data.get(f"estimate-{code}-accelerator") or "h100"
            peak = data.get(f"estimate-{code}-peak") if preset == "custom" else ACCELERATORS.get(preset, (0, 0))[1]
            return hardware_estimate(data.get(f"estimate-{code}-accelerators") or "",
                                     data.get(f"estimate-{code}-days") or "", peak or "",
                                     data.get(f"estimate-{code}-utilisation") or ""), None
        return architecture_estimate(data.get(f"estimate-{code}-parameters") or "",
                                     data.get(f"estimate-{code}-tokens") or ""), None
    except EstimateInputError as exc:
        return None, exc


# formtools' as_view wants a non-empty form list; the real one depends on the questionnaire version of the
# assessment or quick check, so dispatch sets it per request
NO_SECTIONS_YET = [("placeholder", forms.Form)]


def wizard_view():
    return AssessmentWizard.as_view(form_list=NO_SECTIONS_YET, url_name="wizard_step", done_step_name="done")


def quick_check_wizard_view():
    # the visitor's answers, in their session only: never kept by a cache (quick_check.start says why)
    return never_cache(QuickCheckWizard.as_view(form_list=NO_SECTIONS_YET, url_name="quick_check_step",
                                                done_step_name="done"))

