# The shop's Python images, on Debian's python3 (3.11) with the locked requirements (pip checks
# every file's hash). Build with BuildKit (Compose v2 always does; `DOCKER_BUILDKIT=1` for
# docker-compose 1.29); make compose-test builds them without a registry (stack/compose/images.py).
#
#   web     gunicorn + whitenoise: docker/web/start.sh migrates the primary, collects static
#           files, seeds the demo catalog when the database is empty, warms the cache, serves :8000
#   locust  the load generator of the `bench` profile, with the project's locustfile

FROM debian:bookworm-slim AS python
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY docker/pip-install.sh /usr/local/bin/pip-install


FROM python AS locust
COPY loadtests/requirements.txt /tmp/
RUN --mount=type=secret,id=pip-cert pip-install --require-hashes -r /tmp/requirements.txt
WORKDIR /mnt/locust
COPY loadtests loadtests
RUN useradd --system --no-create-home locust
USER locust
EXPOSE 8089
ENTRYPOINT ["locust"]


FROM python AS web
WORKDIR /app
COPY requirements.txt .
RUN --mount=type=secret,id=pip-cert pip-install --require-hashes -r requirements.txt
COPY . .
# var/ (the generated SECRET_KEY, product images, static files) is a volume in compose: a new
# volume takes its owner from here.
RUN useradd --system --create-home --home-dir /home/shop shop \
    && mkdir -p var \
    && chown shop:shop var
USER shop
ENV GUNICORN_BIND=0.0.0.0:8000
EXPOSE 8000
CMD ["docker/web/start.sh"]
