"""python manage.py mcp_server [--token TOKEN]: the Model Context Protocol server over stdio (questionnaire.api
.mcp_tools) for an AI assistant: `assess`, and with an organisation's API token its deadlines and models' results."""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand

from ...api.mcp_tools import build_server
from ._common import published_spec


class Command(BaseCommand):
    help = "Serve the Model Context Protocol over standard input and output (assess; with a token, deadlines)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--token", default="", help="an organisation's API token (else GPAI_API_TOKEN)")

    def handle(self, *args, **options) -> None:
        token = options["token"] or os.environ.get("GPAI_API_TOKEN", "")
        # standard output carries the protocol: notes go to standard error
        server = build_server(lambda: published_spec(sys.stderr), token=token)
        server.run("stdio")
