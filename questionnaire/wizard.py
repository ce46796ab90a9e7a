"""The assessment wizard on django-formtools' named-URL wizard, with the truth kept in our tables.

Steps are the sections the engine shows for the saved answers; every valid step is saved to the database
(services.save_section) before moving on; the storage is keyed by the assessment, so two assessments in one
browser never mix and a user can resume on any device. GET always shows the saved answers (unbound forms).
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
from .engine.compute import ACCELERATORS, MARGIN, architecture_estimate, hardware_estimate
from .engine.values import format_flop
from .forms import answers_to_form_data, posted_revision, section_form_class, to_json_answers
from .services import ConcurrentEditError, save_section
from .services.assessments import assessment_visibility
from .spec import spec_for


class AssessmentStorage(BaseStorage):
    """formtools storage backed by the assessment's saved answers (set on the storage by the view)."""

    assessment = None
    view = None

    def __init__(self, prefix, request=None, file_storage=None) -> None:
        super().__init__(prefix, request, file_storage)
        self.init_data()

    def get_step_data(self, step):
        if self.view is None or step not in self.view.get_form_list():
            return None
        form_class = self.view.get_form_list()[step]
        return answers_to_form_data(form_class, step, self.view.assessment.answers)

    def set_step_data(self, step, cleaned_data) -> None:
        pass  # saved by the view through services.save_section, with the answer history

    def get_step_files(self, step):
        return None

    def set_step_files(self, step, files) -> None:
        pass

    def update_response(self, response) -> None:
        pass


class _Conflict(Exception):
    def __init__(self, error: ConcurrentEditError) -> None:
        self.error = error


class AssessmentWizard(LoginRequiredMixin, NamedUrlWizardView):
    storage_name = "questionnaire.wizard.AssessmentStorage"
    template_name = "questionnaire/step.html"

    # ---- set-up per request
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

    def _refresh(self) -> None:
        shown = assessment_visibility(self.assessment, self.spec)
        visible_questions = set(shown.visible_questions)
        steps = OrderedDict()
        for section in self.spec.sections:
            if section.code in shown.visible_sections:
                codes = tuple(q.code for q in section.questions if q.code in visible_questions)
                steps[section.code] = section_form_class(self.spec, section.code, codes)
        self._resolved_form_list = steps
        self._cache_signature = self.assessment.revision

    def get_form_list(self):
        if not hasattr(self, "_resolved_form_list"):
            self._refresh()
        return self._resolved_form_list

    def get_step_url(self, step: str) -> str:
        if step == self.done_step_name:
            return reverse("check_answers", kwargs={"assessment_id": self.assessment.pk})
        return reverse(self.url_name, kwargs={"assessment_id": self.assessment.pk, "step": step})

    def get(self, request, *args, **kwargs):
        self.storage.view = self
        step = kwargs.get("step")
        if step not in self.get_form_list():
            return redirect("resume", assessment_id=self.assessment.pk)
        self.storage.current_step = step
        return self.render(self.get_form(step))

    def post(self, request, *args, **kwargs):
        self.storage.view = self
        step = kwargs.get("step")
        if step not in self.get_form_list():
            messages.warning(request, "That section no longer applies to your answers.")
            return redirect("resume", assessment_id=self.assessment.pk)
        self.storage.current_step = step
        if request.POST.get("estimate"):
            return self.render_estimate(step, request.POST["estimate"])
        try:
            return super().post(request, *args, **kwargs)
        except _Conflict as conflict:
            form = self.get_form(step, data=request.POST)
            form.is_valid()
            error = conflict.error
            labels = ", ".join(f"“{self.spec.questions[c].text}”" for c in error.codes if c in self.spec.questions)
            form.add_error(None, f"{error.by} changed {labels} while you were editing. Your answers below were "
                                 "not saved: check them against the saved answers and save again.")
            return self.render(form, seen_revision=self.assessment.revision, conflict=True)

    # ---- forms
    def get_form_initial(self, step):
        return {code: value for code, value in self.assessment.answers.items()}

    def get_form(self, step=None, data=None, files=None):
        step = step or self.steps.current
        form_class = self.get_form_list()[step]
        if self.request.method != "POST":
            data = None  # GET shows the saved answers, never errors
        form = form_class(data=data, prefix=step, initial=self.get_form_initial(step))
        form.answer_context = (self.spec, self.assessment.answers, timezone.localdate())
        return form

    def process_step(self, form):
        seen = posted_revision(self.request)
        try:
            self.assessment = save_section(self.assessment, self.steps.current, to_json_answers(form.cleaned_data),
                                           user=self.request.user, seen_revision=seen)
        except ConcurrentEditError as exc:
            raise _Conflict(exc) from None
        for warning in getattr(form, "answer_warnings", []):
            messages.warning(self.request, warning)
        return form.data  # formtools then drops the form list, and get_form_list re-evaluates the saved answers

    def render_done(self, form, **kwargs):
        return redirect("check_answers", assessment_id=self.assessment.pk)

    # ---- the training-compute estimator without JavaScript
    def render_estimate(self, step: str, code: str):
        form_class = self.get_form_list()[step]
        posted = {name: form_class.base_fields[name].widget.value_from_datadict(self.request.POST, None,
                                                                                 f"{step}-{name}")
                  for name in form_class.base_fields}
        question = self.spec.questions.get(code)
        estimate, error = None, None
        if question is None or question.type is not QuestionType.FLOP or code not in form_class.base_fields:
            error = "There is no estimator for that question."
        else:
            estimate, error = run_estimator(self.request.POST, code)
            if estimate is not None:
                posted[code] = f"{estimate.flop:.2e}".replace("e+", "e")
        form = form_class(prefix=step, initial={k: v for k, v in posted.items() if v not in (None, "", [])})
        return self.render(form, estimates={code: {"estimate": estimate, "error": error}})

    # ---- page context
    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        steps = list(self.get_form_list())
        index = steps.index(self.steps.current)
        section = form.section
        context.update({
            "assessment": self.assessment,
            "spec": self.spec,
            "section": section,
            "step_number": index + 1,
            "step_count": len(steps),
            "previous_url": self.get_step_url(steps[index - 1]) if index > 0 else None,
            "seen_revision": kwargs.get("seen_revision", self.assessment.revision),
            "estimates": kwargs.get("estimates", {}),
            "estimator_inputs": self.request.POST if self.request.method == "POST" else {},
            "accelerators": ACCELERATORS,
            "margin_percent": int(MARGIN * 100),
            "thresholds": {"gpai": format_flop(self.spec.constants.get("gpai_threshold")),
                           "systemic": format_flop(self.spec.constants.get("sr_threshold"))},
            "is_last": index == len(steps) - 1,
        })
        return context


def run_estimator(data: MultiValueDict | dict[str, Any], code: str):
    """The estimate asked for on a FLOP question: (Estimate, None) or (None, message)."""
    method = data.get(f"estimate-{code}-method") or "architecture"
    try:
        if method == "hardware":
            preset = data.get(f"estimate-{code}-accelerator") or "h100"
            peak = data.get(f"estimate-{code}-peak") if preset == "custom" else ACCELERATORS.get(preset, (0, 0))[1]
            return hardware_estimate(data.get(f"estimate-{code}-accelerators") or "",
                                     data.get(f"estimate-{code}-days") or "", peak or "",
                                     data.get(f"estimate-{code}-utilisation") or ""), None
        return architecture_estimate(data.get(f"estimate-{code}-parameters") or "",
                                     data.get(f"estimate-{code}-tokens") or ""), None
    except ValueError as exc:
        return None, str(exc)


def wizard_view():
    return AssessmentWizard.as_view(form_list=[("placeholder", forms.Form)], url_name="wizard_step",
                                    done_step_name="done")

