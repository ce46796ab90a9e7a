"""`/api/v1/docs`: the reference page, rendered on the server from the OpenAPI schema (no script, no fetch from
another site), with the examples the schema carries."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .main import api

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_text(schema: dict, components: dict, depth: int = 0) -> str:
    """A short reading of a schema: a referenced component's name, a type, an array's items."""
    if depth > 3 or not isinstance(schema, dict):
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(filter(None, (_schema_text(s, components, depth + 1) for s in schema["anyOf"])))
    if schema.get("type") == "array":
        return f"list of {_schema_text(schema.get('items', {}), components, depth + 1)}"
    return schema.get("type", "any")


def operations(schema: dict) -> list[dict]:
    components = schema.get("components", {}).get("schemas", {})
    out = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            examples = [{"name": name, "summary": example.get("summary", ""),
                         "json": json.dumps(example.get("value"), indent=2, ensure_ascii=False)}
                        for name, example in (body.get("examples") or {}).items()]
            out.append({
                "id": operation.get("operationId", f"{method}-{path}"), "method": method.upper(), "path": path,
                "summary": operation.get("summary", ""), "description": operation.get("description", ""),
                "token": bool(operation.get("security")),
                "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                "type": _schema_text(p.get("schema", {}), components),
                                "description": p.get("description") or p.get("schema", {}).get("description", "")}
                               for p in operation.get("parameters", [])],
                "body": _schema_text(body.get("schema", {}), components) if body else "",
                "examples": examples,
                "responses": [{"status": status, "description": response.get("description", ""),
                               "type": ", ".join(f"{kind}: {_schema_text(c.get('schema', {}), components)}"
                                                 for kind, c in response.get("content", {}).items())}
                              for status, response in operation.get("responses", {}).items()],
            })
    return out


def schemas(schema: dict) -> list[dict]:
    out = []
    for name, component in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(component.get("required", []))
        out.append({"name": name, "description": component.get("description", ""), "fields": [
            {"name": field, "type": _schema_text(spec, {}), "required": field in required,
             "description": spec.get("description", "")}
            for field, spec in component.get("properties", {}).items()]})
    return out


def docs(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return render(request, "api/docs.html", {
        "info": schema.get("info", {}), "operations": operations(schema), "schemas": schemas(schema)})
