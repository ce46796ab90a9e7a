"""An assessment from start to result: the wizard and its section forms (wizard, forms), the quick check
without an account (quick_check), the writes (services: start, save a section, complete), the pages (views,
presenters: dashboard, check your answers, result, history, compare), amending and assessing a new version
(living) and the notices when newly published rules would change a result (rules_changes)."""
