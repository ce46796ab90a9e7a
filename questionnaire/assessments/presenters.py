"""What the pages show, built from the Spec, saved answers and frozen snapshots (no writes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from ..core.display import days_left, display_answer, long_date
from ..core.evaluation import evaluate_assessment
from ..core.signatory import (
    answered_statuses,
    demonstration_text,
    good_faith_text,
    optional_chapter_texts,
    review_text,
    signing_texts,
)
from ..core.translations import display_spec, shown_outcome
from ..core.versions import current_version
from ..engine import Result, Spec, Visibility
from ..engine.citations import cite
from ..engine.spec import Question
from ..engine.translation import translation_language
from ..models import (
    NOT_RECORDED,
    OPEN_STATUSES,
    AIModel,
    Assessment,
    GapItem,
    MeasureStatus,
    RulesChange,
    current_assessment_id,
    current_assessments,
)

DONE_STATUSES = tuple(s for s in MeasureStatus.values if s not in OPEN_STATUSES)  # implemented, not applicable

# How obligations are grouped, the next steps and the checklists (e.g. the Annex XII requests) are content:
# spec.article_groups, spec.next_steps, spec.checklists (see content/gpai.yaml).


# ---------------------------------------------------------------- wizard helpers


def first_open_section(spec: Spec, shown: Visibility, answers: dict[str, Any]) -> str | None:
    """The first visible section with a visible question never saved, or a required one unanswered."""
    visible = set(shown.visible_questions)
    missing = set(shown.missing_required)
    for section in spec.sections:
        if section.code not in shown.visible_sections:
            continue
        for question in section.questions:
            if question.code in visible and (question.code not in answers or question.code in missing):
                return section.code
    return None


@dataclass
class AnswerRow:
    question: Question
    value: str
    change_url: str


@dataclass
class SectionAnswers:
    code: str
    title: str
    rows: list[AnswerRow] = field(default_factory=list)


def answered_sections(assessment: Assessment, spec: Spec, result: Result) -> list[SectionAnswers]:
    return answered_sections_for(spec, assessment.answers, result, lambda section: section_url(assessment, section))


def answered_sections_for(spec: Spec, answers: dict[str, Any], result: Result,
                          section_url: Callable[[str], str]) -> list[SectionAnswers]:
    """The visible questions by section with the answers given, each with the URL to change it."""
    out = []
    visible = set(result.visible_questions)
    for section in spec.sections:
        if section.code not in result.visible_sections:
            continue
        block = SectionAnswers(section.code, section.title)
        for question in section.questions:
            if question.code not in visible:
                continue
            value = answers.get(question.code)
            block.rows.append(AnswerRow(question, display_answer(question, value),
                                        f"{section_url(section.code)}?return=check#field-{question.code}"))
        out.append(block)
    return out


def missing_questions(spec: Spec, result: Result) -> list[Question]:
    return [spec.questions[c] for c in result.missing_required]


# ---------------------------------------------------------------- result page


@dataclass
class DeadlineView:
    key: str
    label: str
    value: str
    date: dt.date | None
    days_left: int | None
    explanation: str
    label_passed: str = ""

    @property
    def is_past(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def current_label(self) -> str:
        """"Obligations apply since" once the date has passed (content's label_passed), else the label."""
        return self.label_passed if self.is_past and self.label_passed else self.label

    @property
    def phrase(self) -> str:
        """The deadline as one phrase: "Obligations apply since 1 October 2025" or "… from … (12 days left)"."""
        text = f"{self.current_label} {self.value}"
        if self.date is not None and not self.is_past:
            text += f" ({days_left(self.days_left)})"
        return text


def deadline_views(spec: Spec, deadlines: dict[str, str], today: dt.date) -> list[DeadlineView]:
    by_key = {d.key: d for d in spec.deadlines}
    rows = []
    # in the content's order, never the stored mapping's: PostgreSQL's jsonb reorders keys, and a report must
    # read the same however its snapshot was stored
    order = {key: i for i, key in enumerate(by_key)}
    for key, value in sorted(deadlines.items(), key=lambda item: (order.get(item[0], len(order)), item[0])):
        spec_deadline = by_key.get(key)
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
        rows.append(DeadlineView(
            key=key, label=spec_deadline.label if spec_deadline else key.replace("_", " "),
            value=long_date(day) if day else value, date=day,
            days_left=(day - today).days if day else None,
            explanation=spec_deadline.explanation if spec_deadline else "",
            label_passed=spec_deadline.label_passed if spec_deadline else ""))
    return rows


@dataclass
class NoticeView:
    id: str
    title: str
    text: str
    date: dt.date | None
    is_past: bool
    about: tuple[str, ...]

    @property
    def paragraphs(self) -> list[str]:
        """The text's paragraphs (a blank line in the content's folded text starts a new one)."""
        return [p.strip() for p in self.text.split("\n") if p.strip()]


def notice_views(spec: Spec, outcome: dict[str, Any], today: dt.date) -> list[NoticeView]:
    """The notices of a result (content texts rendered at evaluation), the passed text once the date is past."""
    by_id = {n.id: n for n in spec.notices}
    views = []
    for shown in outcome.get("notices", []):
        notice = by_id.get(shown["id"])
        day = dt.date.fromisoformat(shown["date"]) if shown.get("date") else None
        past = day is not None and day < today
        views.append(NoticeView(shown["id"], notice.title if notice else "",
                                shown["text_passed"] if past and shown.get("text_passed") else shown["text"],
                                day, past, notice.about if notice else ()))
    return views


@dataclass
class DatedItem:
    """One date of the summary: a deadline or a dated notice, in its own words (which say whom it binds)."""

    title: str
    date: dt.date
    today: dt.date
    duty: bool  # a duty (due or overdue); otherwise a power or an option (enforcement, reassessment)
    done: str = ""  # "sent on 10 August 2025": the document it asks for was recorded as issued
    notice: bool = False  # the date of a notice (not one of the result's deadlines)

    @property
    def is_past(self) -> bool:
        return self.date < self.today

    @property
    def days_left(self) -> int:
        return (self.date - self.today).days


def summary_dates(spec: Spec, deadlines: list[DeadlineView], notices: list[NoticeView],
                  issued: list[dict[str, Any]], today: dt.date) -> dict[str, list]:
    """What the summary says about dates: what is next and what is due or overdue (deadlines that are duties and
    dated notices alike, e.g. the notification's latest day), the powers and options, and the undated deadlines no
    dated notice states better. `issued`: the legal documents recorded as issued (report snapshot)."""
    due_keys = spec.constants.get("due_deadline_keys")
    due_keys = set(due_keys) if isinstance(due_keys, list) else {d.key for d in spec.deadlines}
    dated_about = {o for n in notices if n.date for o in n.about}
    covered = {key for o in spec.obligations if o.id in dated_about for key in o.deadlines}
    done_for = {}
    for document in issued:
        done_for.setdefault(document.get("obligation"), _("%(done)s on %(date)s") % {
            "done": document.get("done", "issued"), "date": long_date(dt.date.fromisoformat(document["date"]))})
    items = [DatedItem(d.current_label, d.date, today, d.key in due_keys) for d in deadlines if d.date]
    items += [DatedItem(n.title, n.date, today, True, next((done_for[o] for o in n.about if o in done_for), ""),
                        notice=True) for n in notices if n.date]
    items.sort(key=lambda i: i.date)
    return {
        "next": [i for i in items if i.duty and not i.is_past and not i.done],
        "past": [i for i in items if i.duty and (i.is_past or i.done)],
        "powers": [i for i in items if not i.duty],
        "undated": [d for d in deadlines if not d.date and d.key not in covered],
    }


def ruled_out(spec: Spec, outcome: dict[str, Any]) -> list[dict[str, Any]]:
    """The obligations this result does not have, each with why it does not apply: the texts of the content's
    notices about it that the result holds (a ruled-out duty is never listed as an instruction)."""
    applies = set(outcome.get("obligations", []))
    about = {n.id: n.about for n in spec.notices}
    out = []
    for obligation in spec.obligations:
        if obligation.id in applies:
            continue
        why = [shown["text"] for shown in outcome.get("notices", []) if obligation.id in about.get(shown["id"], ())]
        out.append({"obligation": obligation, "why": why})
    return out


def own_obligations(spec: Spec, role: str | None) -> set[str]:
    """The obligations that can bind this role: those of the article groups whose `binds` name it (a version
    without article groups or binds: every obligation). A representative's tasks are not the provider's, and the
    provider's obligations are not "not applicable" to its representative: they are another actor's."""
    if not spec.article_groups:
        return {o.id for o in spec.obligations}
    return {ob for g in spec.article_groups if not g.binds or role in g.binds for ob in g.obligations}


def ruled_out_grouped(spec: Spec, outcome: dict[str, Any]) -> list[dict[str, Any]]:
    """ruled_out with a reason, obligations that share their reason together (Art. 55(1)(a)–(d) once); only the
    reader's own obligations (own_obligations)."""
    own = own_obligations(spec, outcome.get("role_outcome"))
    groups: list[dict[str, Any]] = []
    for row in ruled_out(spec, outcome):
        if not row["why"] or row["obligation"].id not in own:
            continue
        if groups and groups[-1]["why"] == row["why"]:
            groups[-1]["obligations"].append(row["obligation"])
        else:
            groups.append({"obligations": [row["obligation"]], "why": row["why"]})
    return groups


def _groups(spec: Spec) -> list[tuple[str, str, tuple[str, ...]]]:
    if spec.article_groups:
        return [(g.article, g.title, g.obligations) for g in spec.article_groups]
    return [("", "Obligations", tuple(o.id for o in spec.obligations))]  # a version from before article groups


def next_deadline(deadlines: dict[str, str], today: dt.date) -> tuple[str, dt.date] | None:
    upcoming = []
    for key, value in deadlines.items():
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            continue
        if day >= today:
            upcoming.append((day, key))
    if not upcoming:
        return None
    day, key = min(upcoming)
    return key, day


def _open_measures(chapter, outcome: dict[str, Any], gap: dict[str, dict[str, Any]] | None) -> int | None:
    """How many of a chapter's applicable measures the gap analysis does not show as implemented (or not
    applicable); None where the page does not know the gap analysis."""
    if gap is None:
        return None
    done = {m for m, record in gap.items() if record.get("status") in DONE_STATUSES}
    return sum(1 for m in chapter.measures() if m.id in outcome["code_measures"] and m.id not in done)


def result_page(spec: Spec, snapshot: dict[str, Any], *, today: dt.date,
                signatory: dict[str, str] | None = None,
                gap: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """What the result page and the report show. `signatory`: chapter -> signed / intends_to_sign /
    not_signing (default: from the answer to cop_signatory_chapters). `gap`: the gap analysis as the report
    snapshot holds it (measure -> record), where the page reports on it."""
    outcome = shown_outcome(spec, snapshot)  # its texts in the reader's language when the spec is translated
    if signatory is None:
        signatory = snapshot.get("code_signatory") or answered_statuses(spec, snapshot)
    reasons: dict[str, list[dict]] = {}
    for reason in outcome.get("reasons", []):
        reasons.setdefault(reason["about"], []).append(reason)
    sources = {s.id: s for s in spec.sources}
    deadlines = deadline_views(spec, outcome["deadlines"], today)
    deadline_by_key = {d.key: d for d in deadlines}
    modification_only = outcome.get("obligation_scope") == "modification_only"
    notices = notice_views(spec, outcome, today)
    obligations = {o.id: o for o in spec.obligations}
    language = translation_language(spec)

    def item(obligation, *, with_reasons: bool = True) -> dict[str, Any]:
        return {
            "obligation": obligation,
            "reasons": reasons.get(obligation.id, []) if with_reasons else [],
            "scope_note": obligation.scope_note if modification_only else "",
            "citations": [{"source": sources.get(c.source), "pinpoint": cite(c.pinpoint, language)}
                          for c in obligation.citations],
            "deadlines": [deadline_by_key[k] for k in obligation.deadlines if k in deadline_by_key],
            "measures": [m for m in spec.measures_serving(obligation.id) if m.id in outcome["code_measures"]],
            "notices": [n for n in notices if obligation.id in n.about],
        }

    groups = []
    for article, title, ids in _groups(spec):
        items = [item(obligations[i]) for i in ids if i in obligations and i in outcome["obligations"]]
        if items:
            groups.append({"article": article, "title": title, "items": items})
    # another actor's view of the same answers, e.g. the provider's own obligations for its representative
    own_tasks = bool(outcome["obligations"])  # without any, another actor's list is for information only
    perspectives = [
        {"key": p.key, "title": p.title if own_tasks or not p.title_without_tasks else p.title_without_tasks,
         "intro": p.intro if own_tasks or not p.intro_without_tasks else p.intro_without_tasks,
         "items": [item(obligations[i], with_reasons=False) for i in outcome[p.key] if i in obligations]}
        for p in spec.perspectives if p.key in outcome
    ]
    checklists = [c for c in spec.checklists if c.id in outcome.get("checklists", [])]
    next_step_texts = {n.id: n.text for n in spec.next_steps}
    chapters = [
        {"chapter": ch, "measures": [m for m in ch.measures() if m.id in outcome["code_measures"]],
         "signatory": signatory.get(ch.id, "not_signing"),
         "demonstration": demonstration_text(spec, ch, signatory.get(ch.id, "not_signing"),
                                             open_measures=_open_measures(ch, outcome, gap)),
         "good_faith": good_faith_text(spec, signatory.get(ch.id, "not_signing"))}
        for ch in spec.chapters if ch.id in outcome["code_chapters"]
    ]
    signing = {"by_status": signing_texts(spec, [(c["chapter"].title, c["signatory"]) for c in chapters]),
               "optional": optional_chapter_texts(spec, outcome["code_chapters"]),
               "review": review_text(spec)} if chapters else None
    # the explanation as evaluated ({placeholders} filled in), else as authored (a snapshot without reasons)
    flags = [{"flag": f, "title": f.title, "reasons": reasons.get(f.id, []),
              "explanation": next((r["text"] for r in reasons.get(f.id, [])), f.explanation)}
             for f in spec.flags if f.id in outcome["flags"]]
    issued = snapshot.get("documents_issued") or []
    counsel_notices = {n.id: n.counsel for n in spec.notices}
    classification = outcome["classification"]
    role = outcome["role_outcome"]
    answers = snapshot.get("answers", {})
    return {
        "classification": classification,
        "classification_label": spec.outcome("classification").label(classification),
        "classification_description": next((v.description for v in spec.outcome("classification").values
                                            if v.value == classification), ""),
        "classification_reasons": reasons.get("classification", []),
        "role": role,
        "role_label": spec.outcome("role_outcome").label(role),
        "role_reasons": reasons.get("role_outcome", []),
        "scope": outcome.get("obligation_scope"),
        "scope_label": spec.outcome("obligation_scope").label(outcome.get("obligation_scope")),
        "groups": groups,
        "perspectives": perspectives,
        "notices": [n for n in notices if not n.about and not counsel_notices.get(n.id)],
        "ruled_out": ruled_out_grouped(spec, outcome),
        "checklists": checklists,
        "rules_as_of": outcome.get("rules_as_of") or snapshot.get("questionnaire", {}).get("rulebook_date") or "",
        "rules_note": spec.rules_note,
        "chapters": chapters,
        "signing": signing,
        "deadlines": deadlines,
        "next_deadline": next((d for d in sorted((d for d in deadlines if d.date and not d.is_past),
                                                  key=lambda d: d.date)), None),
        "flags": flags,
        "notes": [f for f in flags if f["flag"].settled],  # settled consequences
        # open points of law: the flags not settled, and the notices that put a point to counsel
        "counsel": [f for f in flags if not f["flag"].settled] + [
            {"flag": None, "title": n.title, "explanation": n.text} for n in notices
            if not n.about and counsel_notices.get(n.id)],
        "dates": summary_dates(spec, deadlines, notices, issued, today),
        "has_obligations": bool(groups),
        "next_steps": [next_step_texts[i] for i in outcome.get("next_steps", []) if i in next_step_texts],
        "question_answers": [
            {"question": spec.questions[code], "value": display_answer(spec.questions[code], value)}
            for code, value in answers.items() if code in spec.questions
        ],
    }


# ---------------------------------------------------------------- dashboard, history, comparison


def pending_rules_changes(assessments: list[Assessment]) -> dict[Any, RulesChange]:
    """Assessment pk -> the rules change that concerns it under the current published version (one query).
    Callers pass current assessments only: once an amendment is completed, the notice goes with it."""
    version = current_version()
    if version is None or not assessments:
        return {}
    return {c.assessment_id: c for c in RulesChange.objects.filter(assessment__in=[a.pk for a in assessments],
                                                                    version=version)}


def lineage(assessment: Assessment) -> dict[str, Any]:
    """Where a completed assessment stands among its model's assessments: what it amends, its amendments,
    the model's current assessment, and a rules change that concerns it (a fixed number of queries)."""
    current = current_assessments().filter(ai_model_id=assessment.ai_model_id).first()
    related = list(Assessment.objects.filter(Q(amends=assessment) | Q(pk=assessment.amends_id or assessment.pk))
                   .exclude(pk=assessment.pk).order_by("created_at"))
    amendments = [a for a in related if a.amends_id == assessment.pk]
    is_current = current is not None and current.pk == assessment.pk
    return {
        "amends": next((a for a in related if a.pk == assessment.amends_id), None),
        "amendments": amendments,
        "open_amendment": next((a for a in amendments if not a.is_completed), None),
        "current": current, "is_current": is_current,
        "rules_change": pending_rules_changes([assessment]).get(assessment.pk) if is_current else None,
    }


def dashboard_rows(organisation, *, today: dt.date) -> list[dict[str, Any]]:
    """Models with their current assessment (and the newest one when that is still in progress), in a fixed
    number of queries whatever the number of models and assessments."""
    latest = Assessment.objects.filter(ai_model=OuterRef("pk")).order_by("-created_at").values("pk")[:1]
    models = list(AIModel.objects.filter(organisation=organisation).annotate(
        latest_id=Subquery(latest), current_id=current_assessment_id("pk")))
    wanted = {pk for m in models for pk in (m.latest_id, m.current_id) if pk}
    assessments = {a.pk: a for a in Assessment.objects.filter(pk__in=wanted).select_related("questionnaire_version")}
    changes = pending_rules_changes([assessments[m.current_id] for m in models if m.current_id])
    rows = []
    for ai_model in models:
        assessment = assessments.get(ai_model.current_id) or assessments.get(ai_model.latest_id)
        in_progress = assessments.get(ai_model.latest_id)
        row: dict[str, Any] = {"model": ai_model, "assessment": assessment, "classification": None,
                               "classification_label": "", "next_deadline": None,
                               "in_progress": in_progress if in_progress and not in_progress.is_completed
                               and in_progress is not assessment else None,
                               "rules_change": changes.get(ai_model.current_id)}
        if assessment is not None and assessment.is_completed:
            outcome = assessment.snapshot["result"]
            spec = display_spec(assessment.questionnaire_version)
            row["classification"] = outcome["classification"]
            row["classification_label"] = spec.outcome("classification").label(outcome["classification"])
            upcoming = next_deadline(outcome["deadlines"], today)
            if upcoming:
                key, day = upcoming
                label = next((d.label for d in spec.deadlines if d.key == key), key)
                row["next_deadline"] = {"label": label, "date": day, "days_left": (day - today).days}
        rows.append(row)
    return rows


def revision_row(spec: Spec, revision) -> dict[str, Any]:
    question = spec.questions.get(revision.question_code)
    def show(value):
        return display_answer(question, value) if question else str(value)
    return {"revision": revision, "question": question.text if question else revision.question_code,
            "old": show(revision.old_value) if revision.old_value is not None else "–",
            "new": show(revision.new_value), "user": revision.user.get_username() if revision.user else "–"}


def _answers_and_result(assessment: Assessment) -> tuple[dict[str, Any], dict[str, Any]]:
    if assessment.is_completed:
        return assessment.snapshot["answers"], assessment.snapshot["result"]
    result = evaluate_assessment(assessment)
    return {c: assessment.answers.get(c) for c in result.visible_questions}, result.to_json()


def result_diff(old_spec: Spec, before: dict[str, Any], new_spec: Spec, after: dict[str, Any]) -> dict[str, Any]:
    """What differs between two results: classification, role, obligations added and removed, dates."""
    def label(name, value):
        for spec in (new_spec, old_spec):
            if name in {o.name for o in spec.outcomes}:
                return spec.outcome(name).label(value)
        return value or ""

    deadline_labels = {d.key: d.label for d in (*old_spec.deadlines, *new_spec.deadlines)}
    deadlines = []
    for key in dict.fromkeys([*before["deadlines"], *after["deadlines"]]):
        if before["deadlines"].get(key) != after["deadlines"].get(key):
            deadlines.append({"key": key, "label": deadline_labels.get(key, key.replace("_", " ")),
                              "old": before["deadlines"].get(key, "–"), "new": after["deadlines"].get(key, "–")})
    changed = {name: (label(name, before.get(name)), label(name, after.get(name)))
               for name in ("classification", "role_outcome") if before.get(name) != after.get(name)}
    return {
        "classification": changed.get("classification"),
        "role": changed.get("role_outcome"),
        "added": [o for o in after["obligations"] if o not in before["obligations"]],
        "removed": [o for o in before["obligations"] if o not in after["obligations"]],
        "deadlines": deadlines,
        "obligation_titles": {o.id: f"{o.label} {o.title}" for o in (*old_spec.obligations, *new_spec.obligations)},
    }


def result_changes(old_spec: Spec, before: dict[str, Any], new_spec: Spec, after: dict[str, Any]) -> list[str]:
    """The differences of result_diff as plain sentences (rules-change notices and e-mails)."""
    diff = result_diff(old_spec, before, new_spec, after)
    titles = diff["obligation_titles"]
    out = []
    if diff["classification"]:
        before, after = diff["classification"]
        out.append(_("Classification: %(before)s → %(after)s") % {"before": before, "after": after})
    if diff["role"]:
        before, after = diff["role"]
        out.append(_("Your role: %(before)s → %(after)s") % {"before": before, "after": after})
    out += [_("Would apply: %(obligation)s") % {"obligation": titles.get(o, o)} for o in diff["added"]]
    out += [_("Would no longer apply: %(obligation)s") % {"obligation": titles.get(o, o)} for o in diff["removed"]]
    for d in diff["deadlines"]:
        if d["new"] == "–":
            out.append(f"{d['label']}: would no longer apply (was {d['old']})")
        elif d["old"] == "–":
            out.append(f"{d['label']}: would apply, {d['new']}")
        else:
            out.append(f"{d['label']}: {d['old']} → {d['new']}")
    return out


def compare(first: Assessment, second: Assessment) -> dict[str, Any]:
    """What changed from `first` to `second`: answers, classification, obligations, deadlines, gap records."""
    spec = display_spec(second.questionnaire_version)
    old_spec = display_spec(first.questionnaire_version)
    a_answers, a_result = _answers_and_result(first)
    b_answers, b_result = _answers_and_result(second)
    answers = []
    for code in dict.fromkeys([*a_answers, *b_answers]):
        if a_answers.get(code) != b_answers.get(code):
            question = spec.questions.get(code) or old_spec.questions.get(code)
            answers.append({"question": question.text if question else code,
                            "old": display_answer(question, a_answers.get(code)) if question else "",
                            "new": display_answer(question, b_answers.get(code)) if question else ""})
    return {
        **result_diff(old_spec, a_result, spec, b_result),
        "answers": answers,
        "versions": (first.questionnaire_version.label, second.questionnaire_version.label),
        "gap": gap_diff(first, a_result, second, b_result, spec),
    }


GAP_COMPARED = (("status", "Status"), ("owner", "Owner"), ("due_date", "Due date"), ("evidence", "Evidence"),
                ("notes", "Notes"), ("files", "Evidence files"))


def _gap_records(assessment: Assessment) -> dict[str, dict[str, str]]:
    records = {}
    for item in GapItem.objects.filter(assessment=assessment).select_related("owner").prefetch_related("files"):
        records[item.measure] = {
            "status": item.get_status_display() if item.revision else NOT_RECORDED,
            "owner": item.owner.get_username() if item.owner else "",
            "due_date": item.due_date.isoformat() if item.due_date else "",
            "evidence": item.evidence, "notes": item.notes,
            "files": "; ".join(f"{f.name} ({f.sha256[:12]})" for f in item.files.all()),
        }
    return records


def gap_diff(first: Assessment, a_result: dict[str, Any], second: Assessment, b_result: dict[str, Any],
             spec: Spec) -> list[dict[str, Any]]:
    """Per measure of either assessment whose record or applicability differs: what changed."""
    a_records, b_records = _gap_records(first), _gap_records(second)
    a_measures, b_measures = set(a_result["code_measures"]), set(b_result["code_measures"])
    titles = {m.id: m.title for m in spec.measures().values()}
    order = {m: i for i, m in enumerate(spec.measures())}
    rows = []
    for measure in sorted(a_measures | b_measures | a_records.keys() | b_records.keys(),
                          key=lambda m: (order.get(m, len(order)), m)):
        before, after = a_records.get(measure, {}), b_records.get(measure, {})
        fields = [{"label": label, "old": before.get(key, "") or "–", "new": after.get(key, "") or "–"}
                  for key, label in GAP_COMPARED if before.get(key, "") != after.get(key, "")]
        note = ""
        if measure in a_measures and measure not in b_measures:
            note = NO_LONGER_APPLIES
        elif measure in b_measures and measure not in a_measures:
            note = "Now applies"
        if fields or note:
            rows.append({"measure": measure, "title": titles.get(measure, ""), "note": note, "fields": fields})
    return rows


NO_LONGER_APPLIES = "No longer applies"


def quick_check_section_url(section: str) -> str:
    """The quick check's page of a section (formtools names it a step in the URL)."""
    return reverse("quick_check_step", kwargs={"step": section})


def section_url(assessment: Assessment, section: str) -> str:
    """The wizard's page of a section of an assessment (formtools names it a step in the URL)."""
    return reverse("wizard_step", kwargs={"assessment_id": assessment.pk, "step": section})

