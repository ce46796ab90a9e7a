"""Content models: versioned questionnaires. Published and retired versions are frozen.

Every content row points straight at its version, so one query per table loads a whole version
(questionnaire/core/versions.py) and the freeze check needs no joins. Which row and column holds each part of the
content is the content schema's (engine/schema.py).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..engine import QuestionType


class ExactNumberDecoder(json.JSONDecoder):
    """PostgreSQL's jsonb gives 3.8e+25 back as 38000000000000000000000000; turn such integers back into the
    float they came from, so that values (and the hashes computed over them) survive a round trip."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["parse_int"] = lambda text: float(text) if len(text.lstrip("-")) > 15 else int(text)
        super().__init__(*args, **kwargs)


class FrozenVersionError(Exception):
    """Raised on any attempt to change the content of a published or retired version."""


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class QuestionnaireVersion(models.Model):
    slug = models.SlugField(default="gpai")
    label = models.CharField("version", max_length=40, help_text="For example 2025.1")
    title = models.CharField(max_length=300)
    rulebook_date = models.CharField(max_length=10, blank=True,
                                     help_text="Date (YYYY-MM-DD) the legal content was last checked")
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    content_hash = models.CharField(max_length=80, blank=True, editable=False)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                     on_delete=models.SET_NULL, related_name="+")
    # written by load_questionnaire from a content file, not made in the admin: a restart may replace such a
    # version with a newer file, never a version an admin published (authoring.content.load)
    from_file = models.BooleanField("loaded from a file", default=False, editable=False)

    class Meta:
        ordering = ["slug", "-created_at"]
        # publishing changes the rules for every organisation: a permission of its own, not "change"
        permissions = [("publish_questionnaireversion", "Can publish a questionnaire version")]
        constraints = [
            models.UniqueConstraint(fields=["slug", "label"], name="unique_version_label"),
            models.UniqueConstraint(fields=["slug"], condition=Q(status="published"),
                                    name="one_published_version_per_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.slug} {self.label} ({self.get_status_display().lower()})"

    # Only the status may move on a frozen version (published -> retired); nothing else changes.
    _FROZEN_FIELDS = ("slug", "label", "title", "rulebook_date", "content_hash", "published_at")

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values(*self._FROZEN_FIELDS, "status").first()
            if stored and stored["status"] != VersionStatus.DRAFT:
                changed = [f for f in self._FROZEN_FIELDS if stored[f] != getattr(self, f)]
                allowed_move = (stored["status"], self.status) in {
                    (VersionStatus.PUBLISHED, VersionStatus.PUBLISHED),
                    (VersionStatus.PUBLISHED, VersionStatus.RETIRED),
                    (VersionStatus.RETIRED, VersionStatus.RETIRED),
                }
                if changed or not allowed_move:
                    raise FrozenVersionError(f"{self} is {stored['status']} and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status != VersionStatus.DRAFT:
            raise FrozenVersionError(f"{self} is {self.status} and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class ContentQuerySet(models.QuerySet):
    def _refuse_frozen(self) -> None:
        if self.exclude(version__status=VersionStatus.DRAFT).exists():
            raise FrozenVersionError("content of a published or retired version cannot be changed")

    def update(self, **kwargs):
        self._refuse_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_frozen()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        version_ids = {o.version_id for o in objs}
        if QuestionnaireVersion.objects.filter(pk__in=version_ids).exclude(status=VersionStatus.DRAFT).exists():
            raise FrozenVersionError("content can only be added to a draft version")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        version_ids = {o.version_id for o in objs}
        if QuestionnaireVersion.objects.filter(pk__in=version_ids).exclude(status=VersionStatus.DRAFT).exists():
            raise FrozenVersionError("content of a published or retired version cannot be changed")
        return super().bulk_update(objs, *args, **kwargs)


class VersionContent(models.Model):
    """Base of every content row: belongs to one version and is frozen with it."""

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def save(self, *args, **kwargs) -> None:
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft()
        return super().delete(*args, **kwargs)

    def _check_draft(self) -> None:
        status = QuestionnaireVersion.objects.filter(pk=self.version_id).values_list("status", flat=True).first()
        if status is not None and status != VersionStatus.DRAFT:
            raise FrozenVersionError(f"{self.version} is {status}: its content cannot be changed")


def expression_field(verbose_name: str, **kwargs) -> models.TextField:
    return models.TextField(verbose_name, blank=True, **kwargs)


class Constant(VersionContent):
    name = models.CharField(max_length=64)
    value = models.JSONField(decoder=ExactNumberDecoder,
                             help_text="A number (1e25), a text, or a date as YYYY-MM-DD")

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "name"], name="unique_constant")]

    def __str__(self) -> str:
        return self.name


class ContentPart(VersionContent):
    """A content section kept as one JSON document (the sections added in 2026: perspectives, notices,
    answer checks, article groups, next steps, checklists, and the rules note): every part of the Spec without
    a table of its own (engine/schema.py)."""

    key = models.CharField(max_length=40)
    data = models.JSONField(decoder=ExactNumberDecoder)

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="unique_content_part")]

    def __str__(self) -> str:
        return self.key


class Source(VersionContent):
    code = models.CharField("id", max_length=40)
    title = models.CharField(max_length=400)
    url = models.CharField(max_length=500, help_text="https://…")
    confidence = models.CharField(max_length=4, default="P",
                                  help_text="P: official text read; P~: transcription; S: secondary; U: uncertain")
    note = models.TextField(blank=True)
    short = models.CharField(max_length=120, blank=True,
                             help_text="The name citations give it in reports, e.g. AI Act (empty: the title)")

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_source")]

    def __str__(self) -> str:
        return self.code


class Section(VersionContent):
    code = models.SlugField(max_length=64)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True)
    visible_if = expression_field("shown when")

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_section")]

    def __str__(self) -> str:
        return self.title


class Question(VersionContent):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=64,
                            help_text="Stable code: the key of the answer; never change it once published")
    type = models.CharField(max_length=20, choices=[(kind.value, kind.label) for kind in QuestionType])
    text = models.TextField()
    help = models.TextField(blank=True)
    required = models.BooleanField(default=True)
    visible_if = expression_field("shown when")
    estimator = models.BooleanField(default=False, help_text="Offer the training-compute estimator")

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_question")]

    def __str__(self) -> str:
        return self.code


class Choice(VersionContent):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    value = models.CharField(max_length=64)
    label = models.CharField(max_length=300)
    help = models.TextField(blank=True)

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["question", "value"], name="unique_choice")]

    def __str__(self) -> str:
        return self.value


class Fact(VersionContent):
    name = models.CharField(max_length=64)
    expr = models.TextField("expression")
    label = models.CharField(max_length=300, blank=True)
    type = models.CharField(max_length=10, default="bool",
                            choices=[("bool", "Yes/no"), ("number", "Number"), ("date", "Date"), ("text", "Text"),
                                     ("any", "Any")])

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "name"], name="unique_fact")]

    def __str__(self) -> str:
        return self.name


class Outcome(VersionContent):
    name = models.CharField(max_length=64)
    title = models.CharField(max_length=200)

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "name"], name="unique_outcome")]

    def __str__(self) -> str:
        return self.name


class OutcomeValue(VersionContent):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(max_length=64)
    label = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.value


class OutcomeRule(VersionContent):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="rules")
    when = expression_field("when", help_text="Empty: always matches (otherwise)")
    value = models.CharField(max_length=64)
    reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.value} when {self.when or 'otherwise'}"


class Obligation(VersionContent):
    code = models.CharField("id", max_length=40)
    label = models.CharField("article label", max_length=40)
    title = models.CharField(max_length=300)
    summary = models.TextField()
    applies_if = models.TextField("applies when")
    reason = models.TextField(blank=True)
    scope_note = models.TextField(blank=True, help_text="Shown when the obligations are limited to a modification")
    citations = models.JSONField(decoder=ExactNumberDecoder, default=list, blank=True,
                                 help_text='[{"source": "AIA", "pinpoint": "Art. 53(1)(a)"}]')
    deadlines = models.JSONField(decoder=ExactNumberDecoder, default=list, blank=True, help_text="Deadline keys")

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_obligation")]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"


class Deadline(VersionContent):
    key = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    when = models.TextField(default="True")
    value = models.TextField(help_text="An expression giving a date or a text")
    explanation = models.TextField(blank=True)
    label_passed = models.CharField(max_length=200, blank=True,
                                    help_text="The label once the date has passed, e.g. Obligations apply since")

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="unique_deadline")]

    def __str__(self) -> str:
        return self.key


class Flag(VersionContent):
    code = models.CharField("id", max_length=64)
    title = models.CharField(max_length=200)
    when = models.TextField()
    explanation = models.TextField()
    settled = models.BooleanField(default=False, help_text="A settled consequence, shown as a note; unticked: an "
                                                           "open point of law, shown for counsel")

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_flag")]

    def __str__(self) -> str:
        return self.code


class CodeChapter(VersionContent):
    code = models.CharField("id", max_length=40)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    applies_if = models.TextField("applies when")

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_chapter")]

    def __str__(self) -> str:
        return self.title


class Commitment(VersionContent):
    chapter = models.ForeignKey(CodeChapter, on_delete=models.CASCADE, related_name="commitments")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)

    def __str__(self) -> str:
        return f"Commitment {self.number}: {self.title}"


class Measure(VersionContent):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="measures")
    code = models.CharField("id", max_length=20)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    evidence = models.TextField(blank=True, help_text="What evidence usually satisfies the measure")
    serves = models.JSONField(decoder=ExactNumberDecoder, default=list, blank=True, help_text="Obligation ids")

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_measure")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Scenario(VersionContent):
    """A golden scenario: an answer set and the result it must give. Checked before publishing."""

    code = models.CharField("id", max_length=40)
    description = models.TextField(blank=True)
    answers = models.JSONField(decoder=ExactNumberDecoder, default=dict)
    expected = models.JSONField(decoder=ExactNumberDecoder, default=dict)

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_scenario")]

    def __str__(self) -> str:
        return self.code


class Translation(VersionContent):
    """A translation of one authored text. `target` names the text, e.g. "question:role:text",
    "choice:role=developer:label" or "obligation:ART54:summary" (engine.translation names them all). It is
    stale when the source text has changed since it was translated (its hash differs from `source_hash`)."""

    target = models.CharField(max_length=200)
    language = models.CharField(max_length=10, help_text="Language code, e.g. de, fr, es")
    text = models.TextField()
    source_hash = models.CharField(max_length=64, blank=True, editable=False)

    # Translations are words, not rules: they are outside the content hash and may be added or corrected on a
    # published version (a result never depends on them; a stale one shows the English text instead).
    objects = models.Manager()

    class Meta(VersionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "target", "language"], name="one_translation")]

    def __str__(self) -> str:
        return f"{self.target} [{self.language}]"

    def _check_draft(self) -> None:
        pass
