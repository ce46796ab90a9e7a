"""The few multi-step writes, each atomic: content (load, publish) and assessments (start, save, complete)."""

from .assessments import (
    IncompleteAssessmentError,
    complete,
    keep_answers,
    save_section,
    start_assessment,
)
from .authoring import Change, Impact, clone_version, diff_specs, impact
from .content import (
    ContentInvalid,
    LoadOutcome,
    canonical_spec,
    checked_spec,
    create_draft,
    export_yaml,
    load,
    parse_content_text,
    publish,
    read_content_file,
)
from .history import ConcurrentEditError
from .living import Carry, Derived, amend, new_version_assessment, record_rules_changes

__all__ = [
    "Carry",
    "Change",
    "ConcurrentEditError",
    "ContentInvalid",
    "Derived",
    "Impact",
    "IncompleteAssessmentError",
    "LoadOutcome",
    "amend",
    "canonical_spec",
    "checked_spec",
    "clone_version",
    "complete",
    "create_draft",
    "diff_specs",
    "export_yaml",
    "impact",
    "keep_answers",
    "load",
    "new_version_assessment",
    "parse_content_text",
    "publish",
    "read_content_file",
    "record_rules_changes",
    "save_section",
    "start_assessment",
]
