"""The Model Context Protocol server (`manage.py mcp_server`, stdio, on the official `mcp` SDK), so that a
compliance officer's AI assistant can answer "what do we owe the AI Office this month?". Tools: `assess` (no
token: exactly `manage.py assess`, engine.assess), and with an organisation's token (`--token` or GPAI_API_TOKEN)
`deadlines` (the ranked list of the API and the action plan) and `model_result` (a model's current result). Every
tool call with a token is in the audit log, as an API call is."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections
from django.utils import timezone
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError  # a refusal the assistant reads (the SDK shows its text)

from accounts.api_tokens import TokenRefused, holder_for
from accounts.audit import audit

from ..engine import AnswerError, Spec, assess
from ..models import AIModel, Assessment
from ..models.assessments import current_assessment_id
from .records import ranked_deadlines

INSTRUCTIONS = (
    "Tools of the GPAI compliance checker (EU AI Act, Art. 51-55, and the GPAI Code of Practice). `assess` takes an "
    "answer set (question code to value, e.g. {\"role\": \"developer\", \"training_compute_flop\": \"3.8e25\"}) and "
    "gives the classification, the obligations with reasons and deadlines. With a token, `deadlines` lists what the "
    "organisation's models owe and by when (within_days=31 for this month) and `model_result` gives a model's "
    "current result. It is not legal advice.")


def build_server(spec_loader: Callable[[], Spec], token: str = "") -> MCPServer:
    """The server with its tools. `spec_loader` gives the current published questionnaire (as `assess` finds
    it); `token` opens the organisation tools."""
    server = MCPServer(name="gpai-compliance-checker", instructions=INSTRUCTIONS, version="1")

    @server.tool(name="assess", description="Assess an answer set against the current questionnaire: the same "
                                            "result as `manage.py assess` and POST /api/v1/assess.")
    def assess_answers(answers: dict[str, Any]) -> dict[str, Any]:
        try:
            return assess(spec_loader(), answers, timezone.localdate())
        except AnswerError as exc:
            raise ToolError(f"answer “{exc.code}”: {exc.message}") from None
        finally:
            close_old_connections()

    def holder(tool: str):
        if not token:
            raise ToolError("This tool needs an organisation's API token: start the server with --token or "
                            "GPAI_API_TOKEN.")
        try:
            found = holder_for(token)
        except TokenRefused as refused:
            raise ToolError(f"The token was refused: {refused}") from None
        audit(None, "api_call", target=f"MCP {tool}", organisation=found.organisation, user=found.user,
              token=found.token.hint, token_name=found.token.name)
        return found

    @server.tool(description="The organisation's deadlines, ranked: what is overdue or due next first. "
                             "`within_days` keeps what falls due within that many days (and what is overdue).")
    def deadlines(within_days: int | None = None) -> dict[str, Any]:
        try:
            found = holder("deadlines")
            if within_days is not None and not 0 <= within_days <= 3660:
                raise ToolError("within_days must be between 0 and 3660")
            today, items = ranked_deadlines(found.organisation, within_days=within_days)
            return {"today": today.isoformat(), "organisation": found.organisation.name, "deadlines": [
                {"date": item.date.isoformat(), "model": item.model.name, "title": item.title,
                 "reference": item.reference, "basis": item.basis_label or item.basis, "detail": item.detail,
                 "overdue": item.overdue, "when": item.when} for item in items[:200]]}
        finally:
            close_old_connections()

    @server.tool(description="A model's current result (its most recently completed assessment): the "
                             "classification, obligations, deadlines and flags. `model` is its name or id.")
    def model_result(model: str) -> dict[str, Any]:
        try:
            found = holder("model_result")
            models = AIModel.objects.filter(organisation=found.organisation)
            ai_model = models.filter(name=model[:200]).first()
            if ai_model is None:
                try:
                    ai_model = models.filter(pk=uuid.UUID(model)).first()
                except ValueError:
                    ai_model = None
            if ai_model is None:
                raise ToolError(f"The organisation has no model called {model[:200]!r}.")
            current = Assessment.objects.filter(pk=current_assessment_id("ai_model"), ai_model=ai_model).first()
            if current is None:
                raise ToolError(f"{ai_model.name} has no completed assessment yet.")
            return {"model": ai_model.name, "assessment": str(current.pk),
                    "completed_at": current.completed_at.isoformat(), "result": current.snapshot["result"]}
        finally:
            close_old_connections()

    return server
