"""The few multi-step writes, each atomic: content (load, publish) and assessments (start, save, complete)."""

from .assessments import (
    ConcurrentEditError,
    IncompleteAssessmentError,
    complete,
    copy_assessment,
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

__all__ = [
    "Change",
    "ConcurrentEditError",
    "ContentInvalid",
    "Impact",
    "IncompleteAssessmentError",
    "LoadOutcome",
    "canonical_spec",
    "checked_spec",
    "clone_version",
    "complete",
    "copy_assessment",
    "create_draft",
    "diff_specs",
    "export_yaml",
    "impact",
    "load",
    "parse_content_text",
    "publish",
    "read_content_file",
    "save_section",
    "start_assessment",
]
