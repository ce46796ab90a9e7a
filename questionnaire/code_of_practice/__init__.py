"""The GPAI Code of Practice for a completed assessment: the gap analysis measure by measure with its
evidence (gap, gap_views), the Model Documentation Form of Transparency Measure 1.1 (model_documentation:
its fields and exports; model_documentation_store: saving it; model_documentation_views), the action plan of
each model's open measures and legal documents due (action_plan), and their forms (forms)."""
