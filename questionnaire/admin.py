"""Authoring in the Django admin: drafts are editable, published and retired versions are read-only.

A version's page offers: clone into a draft, validate, publish (refused with every problem listed and linked),
preview (evaluate any answer set), diff against another version with the scenarios and assessments whose
result would change, and YAML export; the version list offers YAML import (creates a draft).
"""

from __future__ import annotations

import contextvars
import copy
import json
from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from accounts.audit import audit

from . import models as m
from .authoring.content import (
    ContentInvalid,
    checked_spec,
    clone_version,
    create_draft,
    export_yaml,
    parse_content_text,
    publish,
)
from .authoring.diff import diff_specs, impact
from .authoring.goldens import accept_scenario_results
from .authoring.translations import is_stale, source_texts, text_hash, version_translation_status
from .core.versions import authored_spec, rows_content, spec_for, version_rows, version_to_edit, with_row
from .engine import (
    AnswerError,
    ContentError,
    ExpressionError,
    Problem,
    Spec,
    build_spec,
    evaluate,
    lint,
    parse_answers,
    scenario_changes,
    texts_filled,
    written_out_constants,
)
from .engine.expressions import EvaluationTimeout, ExpressionLimitError, time_limit
from .engine.schema import TABLES, key_field, label
from .engine.values import bounded_number

_admin_request: contextvars.ContextVar = contextvars.ContextVar("admin_request", default=None)
CHECK_SECONDS = 10  # Validate, Publish and Preview stop after this long (the search for unreachable items alone
# takes one to two seconds on a quiet machine; the web worker's own timeout is 30 s)
SAVE_CHECK_SECONDS = 2  # the save-time trial of a fact on the version's scenarios


def fact_explodes(spec: Spec) -> str | None:
    """The problem, if the facts give a value beyond the bounds (or take too long) on the version's scenarios;
    None when they do not (other errors are Validate's business)."""
    try:
        with time_limit(SAVE_CHECK_SECONDS):
            for scenario in spec.scenarios:
                try:
                    evaluate(spec, parse_answers(spec, scenario.answers))
                except ExpressionLimitError as exc:
                    return f"On scenario {scenario.id} the facts give a value beyond the bounds: {exc}."
                except (AnswerError, ExpressionError):
                    continue
    except EvaluationTimeout:
        return f"Evaluating the facts with this expression takes longer than {SAVE_CHECK_SECONDS} s."
    return None


ITEM_CLASSES = {table.model: cls for cls, table in TABLES.items()}  # model name -> the Spec's dataclass


def item_where(row: m.VersionContent) -> str | None:
    """How lint names the item a row stores ("fact is_deployer"), when the item has a name of its own."""
    if isinstance(row, m.Constant):
        return f"constant {row.name}"
    cls = ITEM_CLASSES.get(type(row).__name__)
    name = key_field(cls) if cls else None
    return f"{label(cls)} {getattr(row, TABLES[cls].column(name))}" if name else None


# a scenario's changed keys in the order of the result (contract §2); the database keeps JSON keys in its own order
RESULT_ORDER = {key: i for i, key in enumerate((
    "classification", "role_outcome", "obligation_scope", "obligations", "code_chapters", "code_measures",
    "deadlines", "flags", "facts"))}


def shown(value) -> str:
    """A scenario's expected or actual value, for a person: lists and mappings spelt out, None as a dash."""
    if value is None or value == [] or value == {}:
        return "–"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {shown(v)}" for k, v in value.items())
    return str(value)


def lint_problems(spec: Spec) -> set[Problem]:
    """The checks of the content itself (no scenarios, no reachability search): quick enough for every save."""
    return set(lint(spec, search=False, scenarios=False))


# where -> (model, lookup field) for linking a problem to the object to fix
PROBLEM_TARGETS = {
    "question": (m.Question, "code"), "section": (m.Section, "code"), "fact": (m.Fact, "name"),
    "obligation": (m.Obligation, "code"), "deadline": (m.Deadline, "key"), "flag": (m.Flag, "code"),
    "chapter": (m.CodeChapter, "code"), "measure": (m.Measure, "code"), "scenario": (m.Scenario, "code"),
    "source": (m.Source, "code"), "constant": (m.Constant, "name"), "outcome": (m.Outcome, "name"),
}


def problem_link(version: m.QuestionnaireVersion, where: str) -> str | None:
    kind, _, key = where.partition(" ")
    target = PROBLEM_TARGETS.get(kind)
    if not target or not key:
        return None
    model, field = target
    key = key.split(" rule ")[0]
    obj = model.objects.filter(version=version, **{field: key}).first()
    if obj is None:
        return None
    try:
        return reverse(f"admin:questionnaire_{model._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return None


class ContentForm(forms.ModelForm):
    """Runs the engine's lint on the draft as it would be with this row saved: a save that brings a problem is
    refused, the message next to the field to blame (or above the form when it is another item's)."""

    def clean(self):
        data = super().clean()
        version = data.get("version") or getattr(self.instance, "version", None)
        if version is None or self.errors:
            return data
        row = copy.copy(self.instance)
        columns = {f.name for f in row._meta.concrete_fields}
        for name, value in data.items():
            if name in columns:
                setattr(row, name, value)
        rows = version_rows(version)
        try:
            before = lint_problems(build_spec(rows_content(version, rows)))
        except ContentError:
            before = set()
        try:
            spec = build_spec(rows_content(version, with_row(rows, row)))
        except ContentError as exc:
            self.add_error(None, str(exc))
            return data
        where, cls = item_where(row), ITEM_CLASSES.get(type(row).__name__)
        for problem in sorted(lint_problems(spec) - before):
            if problem.where != where:
                self.add_error(None, str(problem))
                continue
            field = TABLES[cls].column(problem.field) if cls and problem.field else problem.field
            self.add_error(field if field in self.fields else None, problem.message)
        if isinstance(row, m.Fact) and "expr" in self.fields and not self.has_error("expr"):
            exploded = fact_explodes(spec)
            if exploded:
                self.add_error("expr", exploded)
        return data


class BoundedJSONField(forms.JSONField):
    """JSON typed into the admin (a constant, a scenario's answers, citations): read once with every number
    bounded by the engine's rule (engine.values.bounded_number: "1e1000000" or 10,000 digits are refused, not
    expanded) and its nesting caught, the message at the field; then as Django reads it."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not self.disabled:
            try:
                json.loads(value, parse_int=bounded_number, parse_float=bounded_number,
                           parse_constant=_not_a_number)
            except json.JSONDecodeError:
                pass  # Django's own message, below
            except ValueError as exc:
                raise ValidationError(f"A number in it is refused: {exc}", code="invalid") from None
            except RecursionError:
                raise ValidationError("It is nested too deeply.", code="invalid") from None
        return super().to_python(value)

    def bound_data(self, data, initial):
        """The typed text shown again with its error, as Django does for text that is not JSON."""
        try:
            return super().bound_data(data, initial)
        except (ValueError, RecursionError):
            return forms.fields.InvalidJSONInput(data)


def _not_a_number(text: str):
    raise ValueError(f"{text} is not a number.")


# every JSON column of the content, in the admin's forms and inlines alike
BOUNDED_JSON = {models.JSONField: {"form_class": BoundedJSONField}}


class FrozenAwareMixin:
    """Published and retired content is read-only here (and refused by the models too)."""

    form = ContentForm
    formfield_overrides = BOUNDED_JSON

    def _version_of(self, obj):
        return obj if isinstance(obj, m.QuestionnaireVersion) else getattr(obj, "version", None)

    def has_change_permission(self, request, obj=None):
        version = self._version_of(obj) if obj is not None else None
        return super().has_change_permission(request, obj) and (version is None or version.is_draft)

    def has_delete_permission(self, request, obj=None):
        version = self._version_of(obj) if obj is not None else None
        return super().has_delete_permission(request, obj) and (version is None or version.is_draft)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = m.QuestionnaireVersion.objects.filter(status=m.VersionStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class VersionFilter(admin.SimpleListFilter):
    """Lists of questions, rules and texts show one version: the one chosen, else the draft, else the current
    version (the rows of every version at once repeat each item once per version); "All versions" on request."""

    title = "version"
    parameter_name = "version"
    ALL = "all"

    def lookups(self, request, model_admin):
        versions = m.QuestionnaireVersion.objects.order_by("-created_at").only("label", "status")
        return [(str(v.pk), f"{v.label} ({v.get_status_display().lower()})") for v in versions] + [
            (self.ALL, "All versions")]

    def value(self):
        if not hasattr(self, "_chosen"):
            given = super().value()
            if given == self.ALL or (given and given.isascii() and given.isdigit() and len(given) < 19):
                self._chosen = given
            elif given:
                self._chosen = ""  # not a version: no rows, never an error
            else:
                default = version_to_edit()
                self._chosen = str(default.pk) if default else self.ALL
        return self._chosen

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ALL:
            return queryset
        return queryset.filter(version_id=value) if value else queryset.none()

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {"selected": self.value() == lookup, "display": title,
                   "query_string": changelist.get_query_string({self.parameter_name: lookup})}


class ContentAdmin(FrozenAwareMixin, admin.ModelAdmin):
    list_filter = [VersionFilter]
    list_select_related = ["version"]


class ContentInline(admin.StackedInline):
    extra = 0
    form = ContentForm
    formfield_overrides = BOUNDED_JSON

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.version.is_draft)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class ChoiceInline(ContentInline):
    model = m.Choice
    fields = ["version", "position", "value", "label", "help"]


@admin.register(m.Question)
class QuestionAdmin(ContentAdmin):
    list_display = ["code", "text", "type", "section", "version"]
    search_fields = ["code", "text"]
    inlines = [ChoiceInline]


@admin.register(m.Section)
class SectionAdmin(ContentAdmin):
    list_display = ["code", "title", "position", "version"]
    search_fields = ["code", "title"]


@admin.register(m.Fact)
class FactAdmin(ContentAdmin):
    list_display = ["name", "label", "type", "position", "version"]
    search_fields = ["name", "label", "expr"]


class OutcomeValueInline(ContentInline):
    model = m.OutcomeValue
    fields = ["version", "position", "value", "label", "description"]


class OutcomeRuleInline(ContentInline):
    model = m.OutcomeRule
    fields = ["version", "position", "when", "value", "reason"]


@admin.register(m.Outcome)
class OutcomeAdmin(ContentAdmin):
    list_display = ["name", "title", "version"]
    inlines = [OutcomeValueInline, OutcomeRuleInline]


@admin.register(m.Obligation)
class ObligationAdmin(ContentAdmin):
    list_display = ["code", "label", "title", "version"]
    search_fields = ["code", "label", "title"]


@admin.register(m.Deadline)
class DeadlineAdmin(ContentAdmin):
    list_display = ["key", "label", "version"]


@admin.register(m.Flag)
class FlagAdmin(ContentAdmin):
    list_display = ["code", "title", "version"]
    search_fields = ["code", "title"]


class CommitmentInline(ContentInline):
    model = m.Commitment
    fields = ["version", "position", "number", "title"]


@admin.register(m.CodeChapter)
class CodeChapterAdmin(ContentAdmin):
    list_display = ["code", "title", "version"]
    inlines = [CommitmentInline]


class MeasureInline(ContentInline):
    model = m.Measure
    fields = ["version", "position", "code", "title"]


@admin.register(m.Commitment)
class CommitmentAdmin(ContentAdmin):
    list_display = ["number", "title", "chapter", "version"]
    inlines = [MeasureInline]


@admin.register(m.Measure)
class MeasureAdmin(ContentAdmin):
    list_display = ["code", "title", "commitment", "version"]
    search_fields = ["code", "title"]


@admin.register(m.Source)
class SourceAdmin(ContentAdmin):
    list_display = ["code", "title", "confidence", "version"]


@admin.register(m.Constant)
class ConstantAdmin(ContentAdmin):
    list_display = ["name", "value", "version"]


@admin.register(m.Scenario)
class ScenarioAdmin(ContentAdmin):
    list_display = ["code", "description", "version"]
    search_fields = ["code", "description"]


class TranslationForm(forms.ModelForm):
    class Meta:
        model = m.Translation
        fields = ["version", "position", "target", "language", "text"]

    def clean(self):
        data = super().clean()
        version, target = data.get("version"), data.get("target")
        if version is not None and target:
            texts = source_texts(authored_spec(version))
            if target not in texts:
                self.add_error("target", f"“{target}” is not a text of this version. Examples: "
                                         f"{', '.join(list(texts)[:8])}")
        return data

    def save(self, commit=True):
        # translating records the source text it was made from; a later change of that text makes it stale
        texts = source_texts(authored_spec(self.instance.version))
        self.instance.source_hash = text_hash(texts.get(self.instance.target, ""))
        return super().save(commit)


@admin.register(m.Translation)
class TranslationAdmin(ContentAdmin):
    form = TranslationForm
    list_display = ["target", "language", "version", "stale"]
    list_filter = [VersionFilter, "language"]
    search_fields = ["target", "text"]

    def changelist_view(self, request, extra_context=None):
        self._texts = {}  # source texts per version, built once per page
        return super().changelist_view(request, extra_context)

    # translations are words, not rules: they may be added or corrected on a published version too
    def has_change_permission(self, request, obj=None):
        return admin.ModelAdmin.has_change_permission(self, request, obj)

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)

    @admin.display(boolean=True, description="stale (source changed)")
    def stale(self, obj):
        cache = getattr(self, "_texts", {})
        if obj.version_id not in cache:
            cache[obj.version_id] = source_texts(authored_spec(obj.version))
        return is_stale(cache[obj.version_id], obj.target, obj.source_hash)


class ImportForm(forms.Form):
    file = forms.FileField(label="YAML file", help_text="The format of questionnaire/content/gpai.yaml.")


class PreviewForm(forms.Form):
    answers = forms.CharField(widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
                              help_text='A JSON object of question code to value, e.g. {"role": "developer"}')


@admin.register(m.QuestionnaireVersion)
class QuestionnaireVersionAdmin(FrozenAwareMixin, admin.ModelAdmin):
    form = forms.ModelForm
    list_display = ["label", "slug", "status", "short_hash", "created_at", "published_at", "published_by",
                    "overview_link"]
    list_filter = ["status", "slug"]
    readonly_fields = ["status", "content_hash", "based_on", "created_at", "created_by", "published_at",
                       "published_by", "tools", "translations"]
    fields = ["slug", "label", "title", "rulebook_date", *readonly_fields]
    change_list_template = "admin/questionnaire/version_changelist.html"

    @admin.display(description="overview")
    def overview_link(self, obj):
        return format_html('<a href="{}">Overview of {}</a>', reverse("admin:questionnaire_version_overview",
                                                                       args=[obj.pk]), obj.label)

    @admin.display(description="content hash")
    def short_hash(self, obj):
        return obj.content_hash[:19] if obj.content_hash else "–"

    @admin.display(description="translations")
    def translations(self, obj):
        """Per language: how many texts are translated, missing and stale (English changed since), with links."""
        if obj.pk is None:
            return "–"
        rows = []
        for status in version_translation_status(obj):
            url = (reverse("admin:questionnaire_translation_changelist")
                   + f"?version__id__exact={obj.pk}&language__exact={status.language}")
            done = status.total - len(status.missing) - len(status.stale)
            rows.append(format_html(
                '<a href="{}">{}</a>: {} of {} texts translated, {} missing, {} stale{}', url, status.language,
                done, status.total, len(status.missing), len(status.stale),
                format_html(" (e.g. {})", ", ".join((status.missing + status.stale)[:3]))
                if status.missing or status.stale else ""))
        return format_html_join(mark_safe("<br>"), "{}", ((row,) for row in rows))

    @admin.display(description="authoring")
    def tools(self, obj):
        if obj.pk is None:
            return "–"
        links = [("overview", "Overview"), ("preview", "Preview"), ("diff", "Diff with the current version"),
                 ("export", "Export YAML"), ("history", "Who changed what")]
        if obj.is_draft:
            links = [("validate", "Validate"), ("publish", "Publish"), *links]
        else:
            links = [("clone", "Clone into a draft"), *links]
        request = _admin_request.get()  # only the tools this user may use
        links = [(name, label) for name, label in links
                 if request is None or self.has_authoring_permission(request, name)]
        if not links:
            return "–"
        return format_html(" · ".join(f'<a href="{{}}">{label}</a>' for _, label in links),
                           *[reverse(f"admin:questionnaire_version_{name}", args=[obj.pk]) for name, _ in links])

    # every authoring view and the permission it needs (codename on QuestionnaireVersion); a staff user
    # without it gets 403 and nothing changes. Cloning and importing create a draft: "add".
    AUTHORING_VIEWS = {
        "clone": ("<int:pk>/clone/", "add"), "validate": ("<int:pk>/validate/", "view"),
        "publish": ("<int:pk>/publish/", "publish"), "preview": ("<int:pk>/preview/", "view"),
        "diff": ("<int:pk>/diff/", "view"), "export": ("<int:pk>/export/", "view"),
        "history": ("<int:pk>/changes/", "view"), "import": ("import/", "add"),
        "accept_results": ("<int:pk>/accept-results/", "change"), "overview": ("<int:pk>/overview/", "view"),
    }

    def has_authoring_permission(self, request, name: str) -> bool:
        action = self.AUTHORING_VIEWS[name][1]
        return request.user.has_perm(f"{self.opts.app_label}.{action}_{self.opts.model_name}")

    def get_urls(self):
        def guarded(name):
            view = getattr(self, f"{name}_view")

            def check(request, *args, **kwargs):
                if not self.has_authoring_permission(request, name):
                    raise PermissionDenied(f"You do not have the permission to {name} questionnaire versions.")
                return view(request, *args, **kwargs)

            return self.admin_site.admin_view(check)

        return [
            *[path(route, guarded(name), name=f"questionnaire_version_{name}")
              for name, (route, _) in self.AUTHORING_VIEWS.items()],
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_authoring_permission(request, "import")}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        token = _admin_request.set(request)
        try:
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # while the request is known to `tools`
            return response
        finally:
            _admin_request.reset(token)

    def _version(self, request, pk) -> m.QuestionnaireVersion:
        return get_object_or_404(m.QuestionnaireVersion, pk=pk)

    def _render(self, request, template, context):
        return render(request, template, {**self.admin_site.each_context(request), "opts": self.model._meta,
                                          **context})

    def _problems(self, version, problems):
        return [{"where": p.where, "message": p.message, "link": problem_link(version, p.where)} for p in problems]

    def clone_view(self, request, pk):
        if request.method != "POST":
            return self._render(request, "admin/questionnaire/confirm.html", {
                "title": "Clone into a draft", "version": self._version(request, pk),
                "text": "A new draft with the same content will be created for you to edit."})
        draft = clone_version(self._version(request, pk), user=request.user)
        self.log_addition(request, draft, [{"added": {}}])
        messages.success(request, f"Draft {draft.label} created.")
        return HttpResponseRedirect(reverse("admin:questionnaire_questionnaireversion_change", args=[draft.pk]))

    def validate_view(self, request, pk):
        version = self._version(request, pk)
        spec = authored_spec(version)
        changes, warnings = [], []
        try:
            with time_limit(CHECK_SECONDS):
                problems = self._problems(version, lint(spec))
                changes = scenario_changes(spec)
                warnings = self._problems(version, written_out_constants(spec))
        except EvaluationTimeout:
            problems = [{"where": f"version {version.label}", "link": None, "message": f"Validation stopped after "
                         f"{CHECK_SECONDS} s: the expressions take too long to evaluate. Simplify the facts "
                         "changed last."}]
        except ExpressionError:
            changes = []  # the problems name the expression
        # a changed scenario is shown once, old against new, below the other problems
        shown_below = {f"scenario {c.id}" for c in changes if not c.error}
        problems = [p for p in problems if p["where"] not in shown_below]
        for status in version_translation_status(version):  # shown in English, marked: a warning, not a problem
            for warning in status.warnings():
                messages.warning(request, f"Translation {warning}")
        return self._render(request, "admin/questionnaire/problems.html", {
            "title": f"Validation of {version}", "version": version, "problems": problems, "warnings": warnings,
            "scenario_changes": [{"id": c.id, "description": c.description, "error": c.error,
                                  "shown": [(key, shown(old), shown(new)) for key, old, new in
                                            sorted(c.differences, key=lambda d: RESULT_ORDER.get(d[0], 99))]}
                                 for c in changes],
            "can_accept": version.is_draft and any(not c.error for c in changes)
            and self.has_authoring_permission(request, "accept_results")})

    def overview_view(self, request, pk):
        """One version at a glance: status, hash, who made and published it, what changed against the version it
        was based on, and how many assessments are pinned to it."""
        version = get_object_or_404(m.QuestionnaireVersion.objects.select_related(
            "based_on", "created_by", "published_by"), pk=pk)
        base = version.based_on or (m.QuestionnaireVersion.objects.filter(status=m.VersionStatus.PUBLISHED)
                                    .exclude(pk=version.pk).first())
        changes = diff_specs(authored_spec(base), authored_spec(version)) if base is not None else []
        pinned = dict(m.Assessment.objects.filter(questionnaire_version=version).values_list("status")
                      .annotate(count=models.Count("pk")).order_by())
        names = {"validate": "Validate", "publish": "Publish"} if version.is_draft else {"clone": "Clone into a draft"}
        names |= {"preview": "Preview", "diff": "Diff", "export": "Export YAML", "history": "Who changed what"}
        tools = [(label, reverse(f"admin:questionnaire_version_{name}", args=[version.pk]))
                 for name, label in names.items() if self.has_authoring_permission(request, name)]
        return self._render(request, "admin/questionnaire/overview.html", {
            "title": f"Overview of {version}", "version": version, "base": base, "changes": changes[:300],
            "more_changes": max(0, len(changes) - 300),
            "change_counts": sorted(Counter(c.kind for c in changes).items()),
            "pinned_completed": pinned.get(m.AssessmentStatus.COMPLETED, 0),
            "pinned_in_progress": pinned.get(m.AssessmentStatus.DRAFT, 0), "tools": tools,
            "scenario_count": m.Scenario.objects.filter(version=version).count()})

    def accept_results_view(self, request, pk):
        """Accept the new results of every changed golden scenario of a draft, in one action (POST), recorded in
        the audit log and the version's history (who, when, which scenarios)."""
        version = self._version(request, pk)
        if request.method != "POST" or not version.is_draft:
            return HttpResponseRedirect(reverse("admin:questionnaire_version_validate", args=[version.pk]))
        try:
            with time_limit(CHECK_SECONDS):
                accepted = accept_scenario_results(version)
        except (EvaluationTimeout, ExpressionError):
            messages.error(request, "The scenarios could not be evaluated: fix the problems Validate lists first.")
            return HttpResponseRedirect(reverse("admin:questionnaire_version_validate", args=[version.pk]))
        if accepted:
            ids = [change.id for change in accepted]
            self.log_change(request, version, f"Accepted the new results of golden scenarios {', '.join(ids)}")
            audit(request, "accept_results", target=f"{version.slug} {version.label}", scenarios=ids,
                  changes={c.id: {key: [old, new] for key, old, new in c.differences} for c in accepted})
            messages.success(request, f"Accepted the new results of {len(ids)} golden scenario"
                                      f"{'s' if len(ids) != 1 else ''}: {', '.join(ids)}.")
        else:
            messages.info(request, "No golden scenario changes its result: nothing to accept.")
        return HttpResponseRedirect(reverse("admin:questionnaire_version_validate", args=[version.pk]))

    def publish_view(self, request, pk):
        version = self._version(request, pk)
        if request.method != "POST":
            return self._render(request, "admin/questionnaire/confirm.html", {
                "title": f"Publish {version.label}", "version": version,
                "text": "Every check runs first. On success this version becomes the current one; the current "
                        "version is retired; existing assessments keep the version they were answered with."})
        try:
            with time_limit(CHECK_SECONDS):
                version = publish(version, user=request.user)
        except ContentInvalid as exc:
            return self._render(request, "admin/questionnaire/problems.html", {
                "title": f"{version.label} cannot be published", "version": version,
                "problems": self._problems(version, exc.problems),
                "scenarios_to_review": any(p.where.startswith("scenario ") for p in exc.problems)})
        except EvaluationTimeout:
            return self._render(request, "admin/questionnaire/problems.html", {
                "title": f"{version.label} cannot be published", "version": version, "problems": [{
                    "where": f"version {version.label}", "link": None,
                    "message": f"The checks stopped after {CHECK_SECONDS} s: the expressions take too long."}]})
        self.log_change(request, version, f"Published {version.label}")
        # the hash of what was published (the draft's own row had none, or an outdated one)
        audit(request, "publish", target=f"{version.slug} {version.label} ({version.content_hash})",
              content_hash=version.content_hash)
        messages.success(request, f"{version.label} is published and current.")
        for status in version_translation_status(version):  # missing or stale texts show in English, marked
            for warning in status.warnings():
                messages.warning(request, f"Translation {warning}")
        return HttpResponseRedirect(reverse("admin:questionnaire_questionnaireversion_changelist"))

    def preview_view(self, request, pk):
        version = self._version(request, pk)
        spec = spec_for(version)
        form = PreviewForm(request.POST or None)
        result, error, walk = None, None, []
        if request.method == "POST" and form.is_valid():
            try:
                raw = json.loads(form.cleaned_data["answers"])
                if not isinstance(raw, dict):
                    raise ValueError("expected a JSON object")
                with time_limit(CHECK_SECONDS):
                    evaluated = evaluate(spec, parse_answers(spec, raw))
                result = evaluated.to_json()
                # the pages a respondent with these answers would see, in order
                walk = [{"section": s, "questions": [q for q in s.questions if q.code in evaluated.visible_questions]}
                        for s in spec.sections if s.code in evaluated.visible_sections]
            except (ValueError, AnswerError) as exc:
                error = str(exc)
            except RecursionError:
                error = "The JSON is nested too deeply; answers are one object of question code to value."
            except EvaluationTimeout:
                error = f"Evaluating these answers took longer than {CHECK_SECONDS} s."
        return self._render(request, "admin/questionnaire/preview.html", {
            "title": f"Preview of {version}", "version": version, "form": form, "error": error,
            "result": json.dumps(result, indent=2, ensure_ascii=False) if result else None,
            "sections": spec.sections, "walk": walk})

    def diff_view(self, request, pk):
        version = self._version(request, pk)
        against_id = request.GET.get("against", "")
        against_id = against_id if against_id.isascii() and against_id.isdigit() and len(against_id) < 19 else ""
        others = m.QuestionnaireVersion.objects.exclude(pk=version.pk)
        other = others.filter(pk=against_id).first() if against_id else (
            others.filter(status=m.VersionStatus.PUBLISHED).first() or version.based_on)
        context = {"title": f"What changed in {version.label}", "version": version, "other": other,
                   "others": others}
        if other is not None:
            old, new = authored_spec(other), authored_spec(version)
            context["changes"] = diff_specs(old, new)  # as written: a changed constant is one change
            context["impacts"] = impact(texts_filled(old), texts_filled(new))  # results, as people read them
        return self._render(request, "admin/questionnaire/diff.html", context)

    def export_view(self, request, pk):
        version = self._version(request, pk)
        response = HttpResponse(export_yaml(authored_spec(version)), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{version.slug}-{version.label}.yaml"'
        return response

    def history_view(self, request, pk):
        """Every admin change to this version and its content (who, what, when), newest first."""
        version = self._version(request, pk)
        entries = []
        content_models = [model for model in admin.site._registry if issubclass(model, m.VersionContent)]
        for model in content_models:
            ids = [str(pk) for pk in model.objects.filter(version=version).values_list("pk", flat=True)]
            if ids:
                entries += LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                                   object_id__in=ids).select_related("user", "content_type")
        entries += LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(m.QuestionnaireVersion),
                                           object_id=str(version.pk)).select_related("user", "content_type")
        entries.sort(key=lambda e: e.action_time, reverse=True)
        return self._render(request, "admin/questionnaire/history.html", {
            "title": f"Changes to {version}", "version": version, "entries": entries[:500]})

    def import_view(self, request: HttpRequest):
        form = ImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8")
                spec = checked_spec(parse_content_text(text, form.cleaned_data["file"].name))
                if m.QuestionnaireVersion.objects.filter(slug=spec.slug, label=spec.version).exists():
                    raise ValidationError(f"version {spec.version} exists already: change `version:` in the file")
                draft = create_draft(spec, user=request.user)
            except UnicodeDecodeError:
                form.add_error("file", "The file is not UTF-8 text.")
            except ValidationError as exc:
                form.add_error("file", exc)
            except ContentInvalid as exc:
                problems = [{"where": p.where, "message": p.message, "link": None} for p in exc.problems]
            else:
                self.log_addition(request, draft, [{"added": {}}])
                messages.success(request, f"Imported as draft {draft.label}.")
                return HttpResponseRedirect(reverse("admin:questionnaire_questionnaireversion_change",
                                                    args=[draft.pk]))
        return self._render(request, "admin/questionnaire/import.html", {
            "title": "Import a questionnaire (YAML)", "form": form, "problems": problems})


@admin.register(m.Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["ai_model", "organisation", "status", "questionnaire_version", "created_at", "completed_at"]
    list_filter = ["status", "questionnaire_version"]
    list_select_related = ["ai_model", "organisation", "questionnaire_version"]
    readonly_fields = [f.name for f in m.Assessment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


