"""The questionnaire wizard on django-formtools' named-URL wizard: one code path for an assessment and for
the quick check; only where the answers are kept differs.

Steps are the sections the engine shows for the saved answers; every valid step is saved before moving on.
`AssessmentWizard` saves to the database (services.save_section, with history and concurrency checks), keyed
by the assessment, so two assessments in one browser never mix and a user can resume on any device.
`QuickCheckWizard` keeps the answers in the visitor's session and writes nothing to our tables.
GET always shows the saved answers (unbound forms).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from formtools.wizard.storage.base import BaseStorage
from formtools.wizard.views import NamedUrlWizardView

from .access import assessment_for
from .engine import QuestionType
from .engine.compute import ACCELERATORS, MARGIN, EstimateInputError, architecture_estimate, hardware_estimate
from .engine.values import format_flop
from .forms import answers_to_form_data, posted_revision, section_form_class, to_json_answers
from .services import ConcurrentEditError, save_section
from .services.assessments import answers_visibility
from .versions import spec_for


class AssessmentStorage(BaseStorage):
    """formtools storage backed by the view's saved answers (the view is set on the storage)."""

    assessment = None
    view = None

    def __init__(self, prefix, request=None, file_storage=None) -> None:
        super().__init__(prefix, request, file_storage)
        self.init_data()

    def get_step_data(self, step):
        if self.view is None or step not in self.view.get_form_list():
            return None
        form_class = self.view.get_form_list()[step]
        return answers_to_form_data(form_class, step, self.view.saved_answers())

    def set_step_data(self, step, cleaned_data) -> None:
        pass  # saved by the view's process_step

    def get_step_files(self, step):
        return None

    def set_step_files(self, step, files) -> None:
        pass

    def update_response(self, response) -> None:
        pass


class _Conflict(Exception):
    def __init__(self, error: ConcurrentEditError) -> None:
        self.error = error


class SectionWizard(NamedUrlWizardView):
    """The wizard over the sections the engine shows; subclasses say where the answers live and the URLs."""

    storage_name = "questionnaire.wizard.AssessmentStorage"
    template_name = "questionnaire/step.html"
    spec = None

    # ---- what a subclass provides
    def saved_answers(self) -> dict[str, Any]:
        raise NotImplementedError

    def step_url(self, step: str) -> str:
        raise NotImplementedError

    def check_url(self) -> str:
        raise NotImplementedError

    def resume_url(self) -> str:
        raise NotImplementedError

    def caption(self) -> str:
        raise NotImplementedError

    # ---- steps
    def _refresh(self) -> None:
        shown = answers_visibility(self.spec, self.saved_answers())
        visible_questions = set(shown.visible_questions)
        steps = OrderedDict()
        for section in self.spec.sections:
            if section.code in shown.visible_sections:
                codes = tuple(q.code for q in section.questions if q.code in visible_questions)
                steps[section.code] = section_form_class(self.spec, section.code, codes)
        self._resolved_form_list = steps
        self._cache_signature = None  # formtools deletes both after a step is saved; get_form_list rebuilds

    def get_form_list(self):
        if not hasattr(self, "_resolved_form_list"):
            self._refresh()
        return self._resolved_form_list

    def get_step_url(self, step: str) -> str:
        if step == self.done_step_name:
            return self.check_url()
        return self.step_url(step)

    def get(self, request, *args, **kwargs):
        self.storage.view = self
        step = kwargs.get("step")
        if step not in self.get_form_list():
            return redirect(self.resume_url())
        self.storage.current_step = step
        return self.render(self.get_form(step))

    def post(self, request, *args, **kwargs):
        self.storage.view = self
        step = kwargs.get("step")
        if step not in self.get_form_list():
            messages.warning(request, "That section no longer applies to your answers.")
            return redirect(self.resume_url())
        self.storage.current_step = step
        if request.POST.get("estimate") or request.POST.get("use_estimate"):
            return self.render_estimate(step, request.POST.get("estimate") or request.POST["use_estimate"])
        return super().post(request, *args, **kwargs)

    def render_next_step(self, form, **kwargs):
        # "Change" on the check-your-answers page comes back there after saving
        if self.request.POST.get("return_to") == "check":
            return redirect(self.check_url())
        return super().render_next_step(form, **kwargs)

    # ---- forms
    def get_form_initial(self, step):
        return dict(self.saved_answers())

    def get_form(self, step=None, data=None, files=None):
        step = step or self.steps.current
        form_class = self.get_form_list()[step]
        if self.request.method != "POST":
            data = None  # GET shows the saved answers, never errors
        form = form_class(data=data, prefix=step, initial=self.get_form_initial(step))
        form.answer_context = (self.spec, self.saved_answers(), timezone.localdate())
        return form

    def show_answer_warnings(self, form) -> None:
        """Warnings about saved answers that are allowed but worth a second look (the form's answer checks)."""
        for warning in getattr(form, "answer_warnings", []):
            messages.warning(self.request, warning)

    # ---- the training-compute estimator without JavaScript
    def render_estimate(self, step: str, requested: str):
        """Calculate (`estimate` = "<code>|<method>") or use a calculated value (`use_estimate` = "<code>")."""
        form_class = self.get_form_list()[step]
        posted = {name: form_class.base_fields[name].widget.value_from_datadict(self.request.POST, None,
                                                                                 f"{step}-{name}")
                  for name in form_class.base_fields}
        code, _, method = requested.partition("|")
        question = self.spec.questions.get(code)
        method = method or self.request.POST.get(f"estimate-{code}-method") or "architecture"
        result: dict[str, Any] = {"method": method}
        if question is None or question.type is not QuestionType.FLOP or code not in form_class.base_fields:
            result["error"] = "There is no estimator for that question."
        else:
            estimate, error = run_estimator(self.request.POST, code, result["method"])
            result.update(estimate=estimate, error=error)
            method_question = (self.spec.constants.get("estimator_method_questions") or {}).get(code)
            if method_question in form_class.base_fields:
                result["method_input"] = f"{step}-{method_question}"
            if estimate is not None and self.request.POST.get("use_estimate") == code:
                posted[code] = f"{estimate.flop:.2e}".replace("e+", "e")
                if method_question in form_class.base_fields:
                    posted[method_question] = method
                result["used"] = True
        form = form_class(prefix=step, initial={k: v for k, v in posted.items() if v not in (None, "", [])})
        return self.render(form, estimates={code: result})

    # ---- page context
    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        steps = list(self.get_form_list())
        index = steps.index(self.steps.current)
        section = form.section
        context.update({
            "spec": self.spec,
            "section": section,
            "caption": self.caption(),
            "check_url": self.check_url(),
            "step_number": index + 1,
            "step_count": len(steps),
            "sections_so_far": [{"code": code, "title": self.get_form_list()[code].section.title,
                                 "url": self.get_step_url(code), "current": code == self.steps.current}
                                for code in steps],
            "return_to": "check" if self.request.GET.get("return") == "check"
            or self.request.POST.get("return_to") == "check" else "",
            "previous_url": self.get_step_url(steps[index - 1]) if index > 0 else None,
            "estimates": kwargs.get("estimates", {}),
            "estimator_inputs": self.request.POST if self.request.method == "POST" else {},
            "accelerators": ACCELERATORS,
            "margin_percent": int(MARGIN * 100),
            "thresholds": {"gpai": format_flop(self.spec.constants.get("gpai_threshold")),
                           "systemic": format_flop(self.spec.constants.get("sr_threshold"))},
            "is_last": index == len(steps) - 1,
        })
        return context


class AssessmentWizard(LoginRequiredMixin, SectionWizard):
    """An assessment's answers, saved section by section with their history (services.save_section)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assessment = assessment_for(request, kwargs["assessment_id"], edit=True)
        if self.assessment.is_completed:
            messages.info(request, "This assessment is completed. Copy it to change answers.")
            return redirect("result", assessment_id=self.assessment.pk)
        self.spec = spec_for(self.assessment.questionnaire_version)
        self._refresh()
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request, *args, **kwargs) -> str:
        return f"assessment-{kwargs['assessment_id']}"

    def saved_answers(self) -> dict[str, Any]:
        return self.assessment.answers

    def step_url(self, step: str) -> str:
        return reverse(self.url_name, kwargs={"assessment_id": self.assessment.pk, "step": step})

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
        except _Conflict as conflict:
            step = kwargs.get("step")
            form = self.get_form(step, data=request.POST)
            form.is_valid()
            error = conflict.error
            labels = ", ".join(f"“{self.spec.questions[c].text}”" for c in error.codes if c in self.spec.questions)
            form.add_error(None, f"{error.by} changed {labels} while you were editing. Your answers below were "
                                 "not saved: check them against the saved answers and save again.")
            return self.render(form, seen_revision=self.assessment.revision, conflict=True)

    def process_step(self, form):
        seen = posted_revision(self.request)
        try:
            self.assessment = save_section(self.assessment, self.steps.current, to_json_answers(form.cleaned_data),
                                           user=self.request.user, seen_revision=seen)
        except ConcurrentEditError as exc:
            raise _Conflict(exc) from None
        self.show_answer_warnings(form)
        return form.data  # formtools then drops the form list, and get_form_list re-evaluates the saved answers

    def render_done(self, form, **kwargs):
        return redirect("check_answers", assessment_id=self.assessment.pk)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["assessment"] = self.assessment
        context["seen_revision"] = kwargs.get("seen_revision", self.assessment.revision)
        return context


class QuickCheckWizard(SectionWizard):
    """The quick check: the same sections, forms and engine, with the answers in the visitor's session only
    (quick_check.SessionAnswers); nothing is written to our tables until the visitor keeps the result."""

    def dispatch(self, request, *args, **kwargs):
        from .quick_check import SessionAnswers, nothing_published

        self.answers = SessionAnswers(request)
        version = self.answers.begin()
        if version is None:
            return nothing_published(request)
        self.spec = spec_for(version)
        self._refresh()
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request, *args, **kwargs) -> str:
        return "quick-check"

    def saved_answers(self) -> dict[str, Any]:
        return self.answers.answers()

    def step_url(self, step: str) -> str:
        return reverse(self.url_name, kwargs={"step": step})

    def check_url(self) -> str:
        return reverse("quick_check_result")

    def resume_url(self) -> str:
        return reverse("quick_check")

    def caption(self) -> str:
        return "Quick check, without an account"

    def process_step(self, form):
        self.answers.save(to_json_answers(form.cleaned_data))
        self.show_answer_warnings(form)
        return form.data

    def render_done(self, form, **kwargs):
        return redirect("quick_check_result")


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


def wizard_view():
    return AssessmentWizard.as_view(form_list=[("placeholder", forms.Form)], url_name="wizard_step",
                                    done_step_name="done")


def quick_check_wizard_view():
    return QuickCheckWizard.as_view(form_list=[("placeholder", forms.Form)], url_name="quick_check_step",
                                    done_step_name="done")

