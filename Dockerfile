# The published site as an image: the live release, our metadata, plugins, templates and
# stylesheet, served by `bidrag serve` so the settings come from scripts/bidrag/site.py: by default
# two Datasette processes behind Debian's nginx on port 8001 (`bidrag serve --processes`, set with
# BIDRAG_PROCESSES; 1 serves without nginx). If one process ends, the container exits non-zero, so
# run it with a restart policy (`docker run --restart unless-stopped ...`).
#
#   bidrag publish && make docker-context && docker build -t bidrag .
#
# The server follows the link build/site/bidrag.db (plugins/live_release.py): mount the published
# site directory over it and every `bidrag publish` or `bidrag rollback` there is served from the
# next request on, without a restart:
#
#   docker run -p 8001:8001 -v "$PWD/build/site:/app/build/site:ro" bidrag
#
# Absolute addresses in feeds and the catalogue come from BIDRAG_BASE_URL, never the Host header:
#
#   docker run -e BIDRAG_BASE_URL=https://bidrag.example.se -p 8001:8001 ... bidrag
#
# Python packages are pinned with hashes in requirements.lock (regenerate with `make lock`).
# Pin the base image by digest as well when building where the registry can be reached:
#   docker buildx imagetools inspect python:3.11.14-slim-bookworm
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY pyproject.toml README.md ./
COPY scripts scripts
RUN pip install --no-deps .

COPY metadata.yml ./
COPY plugins plugins
COPY templates templates
COPY static static
# The release baked in, served when no site directory is mounted (a relative link, valid in both).
COPY build/deploy/site build/site

# `bidrag serve` writes build/metadata.json; nginx writes only under a fresh directory in /tmp.
RUN useradd --system --no-create-home bidrag && chown bidrag /app/build
USER bidrag
ENV BIDRAG_PROCESSES=2
EXPOSE 8001
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8001/-/health.json', timeout=5)"]
CMD ["bidrag", "--root", "/app", "serve", "--host", "0.0.0.0", "--port", "8001", "--db", "build/site/bidrag.db"]
