FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gdal-bin gettext postgresql-client libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py compilemessages -v 0 --ignore=.venv \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0

ENTRYPOINT ["docker/entrypoint.sh"]
CMD ["gunicorn", "mahalla_safety.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
