"""The API (`/api/v1/`, django-ninja): `POST /assess` without an account, and with an organisation's token its
models, assessments, results, gap records, legal documents, reports and deadlines, through the same services and
access rules as the web pages. `main` builds it, `problems` answers errors as application/problem+json, `auth`
reads tokens and limits the anonymous rate, `assess` and `records` are the endpoints, `reference` the docs page
and `mcp` the Model Context Protocol server (`manage.py mcp_server`)."""
