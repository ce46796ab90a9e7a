# The one image for the web process, the task worker and the one-off migration job.
FROM python:3.11-slim-bookworm

# No .pyc written at run time; the image carries them, compiled at build into PYTHONPYCACHEPREFIX (below), so that no
# process (gunicorn, task_worker, a `manage.py render_report`) compiles every module it imports again at each start.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPYCACHEPREFIX=/app/pycache \
    UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH" VAR_DIR=/app/var

# WeasyPrint renders PDFs with Pango (and HarfBuzz for font subsetting); GNU gettext and make compile the
# interface's translations (make compilemessages).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext make \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN python -m venv .venv \
 && .venv/bin/pip install --no-cache-dir uv==0.13.8 \
 && .venv/bin/uv sync --frozen --inexact --no-dev --no-cache

COPY . .
RUN make compilemessages \
 && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
 && (python -m compileall -q -j 0 /app/.venv/lib || true) \
 && python -m compileall -q -j 0 manage.py accounts compliance_checker questionnaire \
 && useradd --system --home /app app && mkdir -p /app/var/media && chown -R app /app/var
USER app

EXPOSE 8000
CMD ["gunicorn", "compliance_checker.wsgi", "-c", "gunicorn.conf.py"]
