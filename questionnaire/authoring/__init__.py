"""Keeping the questionnaire current (the admin calls these): reading, checking, loading and publishing
content and cloning a version into a draft (content), what changed between versions and who it concerns
(diff), and translations with their staleness (translations)."""
