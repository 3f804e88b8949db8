FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000

WORKDIR /srv/gazette
RUN useradd --create-home --uid 10001 gazette

# Dependencies first (the spaCy model among them, from PyPI), so code edits reuse the layer.
COPY pyproject.toml README.md ./
RUN mkdir app && touch app/__init__.py \
    && pip install -e . \
    && rm -rf app

COPY alembic.ini ./
COPY migrations ./migrations
COPY app ./app
COPY data/seed ./data/seed
RUN mkdir -p var && chown gazette:gazette var

USER gazette
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health', timeout=2)"

# uvicorn with the service's connection limits (README, "Connections and proxies").
CMD ["sh", "-c", "exec python -m app serve --host 0.0.0.0 --port ${PORT}"]
