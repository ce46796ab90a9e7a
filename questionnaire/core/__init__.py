"""What every feature stands on, and knows no feature: questionnaire versions as a Spec (versions),
read-only evaluation of saved answers (evaluation), the one access helper (access), the one formatter of answers
and facts (display), saving with history and optimistic concurrency (history), shared form parts and the one
form builder from content (forms), uploads checked by what they are (uploads), stored files that follow their
rows (files), CSV downloads (csv_export), submit-once tokens (once), how compliance is demonstrated per Code
chapter (signatory), what a write announces to the features above ("report inputs changed": signals), the
deploy checks (system_checks) and the liveness and readiness probes (views)."""
