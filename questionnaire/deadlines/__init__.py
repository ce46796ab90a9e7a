"""Deadlines that reach people: one ranked list of what is next (`ranking.ranked`), shown on the action plan and
the dashboard, exported as CSV and as a private calendar feed, and mailed as reminder digests."""

from .ranking import Deadline, OpenMeasure, next_by_model, organisation_today, ranked, sections, time_zone

__all__ = ["Deadline", "OpenMeasure", "next_by_model", "organisation_today", "ranked", "sections", "time_zone"]
