# Làm theo Bác — one image for the web, worker and beat processes (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    STATIC_ROOT=/srv/lamtheobac/static \
    MEDIA_ROOT=/srv/lamtheobac/media

# Pango/HarfBuzz for WeasyPrint (PDF reports); gettext to compile the message catalog.
# PDF fonts are bundled in static/fonts, so no font packages are needed.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# The build-time SECRET_KEY only lets settings load; the real one comes from the environment.
RUN export SECRET_KEY=build-only-not-used-at-runtime \
    && if [ -d locale ]; then python manage.py compilemessages -l vi; fi \
    && python manage.py collectstatic --noinput \
    && mkdir -p "$MEDIA_ROOT" \
    && chown app:app "$MEDIA_ROOT"

USER app

EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", "-b", "0.0.0.0:8000", "--workers", "3"]
