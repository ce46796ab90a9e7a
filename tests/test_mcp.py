"""The MCP server (`manage.py mcp_server`) driven through the official SDK's client: over stdio in its own
process, `assess` gives what `manage.py assess` prints; in process, with a token, the deadlines and a model's
current result, and without one a refusal the assistant can read."""

from __future__ import annotations

import asyncio
import json
import os
import sys

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from accounts.api_tokens import create_token
from accounts.models import AuditEvent
from questionnaire.api.mcp_tools import build_server
from questionnaire.core.versions import current_version, spec_for

from .conftest import ROOT, public_scenarios
from .factories import completed, make_member
from .test_commands import assess as assess_command

CASES = {c["id"]: c for c in public_scenarios()}


def structured(result) -> dict:
    assert not result.is_error, result.content
    if result.structured_content is not None:
        content = result.structured_content
        return content.get("result", content) if set(content) == {"result"} else content
    return json.loads(result.content[0].text)


async def call_over_stdio(tool: str, arguments: dict) -> tuple[list[str], object]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "DATABASE_URL", "LANG", "VAR_DIR")}
    params = StdioServerParameters(command=sys.executable, args=["manage.py", "mcp_server"], cwd=str(ROOT), env=env)
    async with Client(params, read_timeout_seconds=120) as client:
        tools = [t.name for t in (await client.list_tools()).tools]
        return tools, await client.call_tool(tool, arguments)


@pytest.mark.django_db
@pytest.mark.parametrize("case_id", ["T01", "T06"])
def test_assess_over_stdio_is_the_assess_command(published, case_id, tmp_path):
    answers = json.loads(json.dumps(CASES[case_id]["answers"], default=str))
    tools, result = asyncio.run(call_over_stdio("assess", {"answers": answers}))
    assert {"assess", "deadlines", "model_result"} <= set(tools)
    assert structured(result) == assess_command(answers, tmp_path=tmp_path)


@pytest.mark.django_db
def test_a_bad_answer_is_an_error_the_assistant_reads():
    _, result = asyncio.run(call_over_stdio("assess", {"answers": {"role": "emperor"}}))
    assert result.is_error and "role" in result.content[0].text


@pytest.fixture
def committed_world(transactional_db, published, django_user_model):
    """Committed rows: the tools run in the SDK's worker threads, with their own database connections."""
    owner, organisation = make_member(django_user_model, "alice")
    organisation.name_confirmed = True
    organisation.save()
    assessment = completed(organisation, owner, "T06", name="Atlas")
    secret = create_token(organisation, name="assistant", scope="read", days=30, user=owner)[1]
    return {"secret": secret, "assessment": assessment, "organisation": organisation}


async def call_in_process(server, tool: str, arguments: dict):
    async with Client(server) as client:
        return await client.call_tool(tool, arguments)


def test_deadlines_and_a_models_result_with_a_token(committed_world):
    from questionnaire.deadlines import ranked

    server = build_server(lambda: spec_for(current_version()), token=committed_world["secret"])
    month = structured(asyncio.run(call_in_process(server, "deadlines", {"within_days": 31})))
    everything = ranked(committed_world["organisation"])
    expected = [d for d in everything if d.days_left <= 31]
    assert [(d["date"], d["title"]) for d in month["deadlines"]] == [(d.date.isoformat(), d.title) for d in expected]
    assert month["organisation"] == "alice Ltd"
    result = structured(asyncio.run(call_in_process(server, "model_result", {"model": "Atlas"})))
    assert result["result"] == committed_world["assessment"].snapshot["result"]
    by_id = structured(asyncio.run(call_in_process(server, "model_result",
                                                   {"model": str(committed_world["assessment"].ai_model_id)})))
    assert by_id["assessment"] == str(committed_world["assessment"].pk)
    assert AuditEvent.objects.filter(action="api_call", target__startswith="MCP").count() == 3


def test_without_a_token_the_organisation_tools_refuse(committed_world):
    server = build_server(lambda: spec_for(current_version()))
    result = asyncio.run(call_in_process(server, "deadlines", {}))
    assert result.is_error and "token" in result.content[0].text
    refused = build_server(lambda: spec_for(current_version()), token=committed_world["secret"] + "x")
    result = asyncio.run(call_in_process(refused, "model_result", {"model": "Atlas"}))
    assert result.is_error and "refused" in result.content[0].text
