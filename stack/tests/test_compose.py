"""docker-compose.yml and its images are wired as the docs promise. The file is parsed here;
``make compose-test`` (stack/tests/compose/) runs it in real containers."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from stack import postgres, redis

BASE_DIR = Path(__file__).resolve().parent.parent.parent
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DOCKER_DIR = BASE_DIR / "docker"


def build_of(service: dict) -> tuple[Path, str | None]:
    """The service's build context and target."""
    build = service["build"]
    if isinstance(build, str):
        return BASE_DIR / build, None
    return BASE_DIR / build["context"], build.get("target")


def dockerfile_stage(context: Path, target: str | None) -> list[str]:
    """The instructions of the Dockerfile's ``target`` stage (the last one without a target),
    continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (context / "Dockerfile").read_text())
    stages = re.split(r"^FROM ", text, flags=re.MULTILINE)[1:]
    for stage in stages:
        if target is None or stage.split("\n", 1)[0].endswith(f" AS {target}"):
            chosen = stage
    lines = ("FROM " + chosen).splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_compose_defines_the_databases_redis_web_and_locust():
    assert set(SERVICES) == {
        "db-primary",
        "db-replica1",
        "db-replica2",
        "redis",
        "web",
        "locust-master",
        "locust-worker",
    }


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_image_is_built_here_from_debian(name):
    context, target = build_of(SERVICES[name])
    text = (context / "Dockerfile").read_text()

    assert set(re.findall(r"^FROM (\S+)", text, flags=re.MULTILINE)) <= {
        "debian:bookworm-slim",
        "python",
    }
    assert target is None or f" AS {target}\n" in text


def test_services_sharing_an_image_build_it_alike():
    builds = {}
    for service in SERVICES.values():
        builds.setdefault(service["image"], []).append(build_of(service))

    assert all(len(set(found)) == 1 for found in builds.values()), builds


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_a_healthcheck(name):
    assert SERVICES[name]["healthcheck"]["test"]


@pytest.mark.parametrize("name", ["db-replica1", "db-replica2"])
def test_a_replica_is_healthy_only_in_recovery(name):
    assert "pg_is_in_recovery()" in " ".join(SERVICES[name]["healthcheck"]["test"])


@pytest.mark.parametrize(
    ("name", "waits_for"),
    [
        ("db-replica1", {"db-primary"}),
        ("db-replica2", {"db-primary"}),
        ("web", {"db-primary", "db-replica1", "db-replica2", "redis"}),
        ("locust-master", {"web"}),
        ("locust-worker", {"locust-master"}),
    ],
)
def test_services_wait_for_what_they_need_to_be_healthy(name, waits_for):
    depends_on = SERVICES[name]["depends_on"]

    assert set(depends_on) == waits_for
    assert {condition["condition"] for condition in depends_on.values()} == {"service_healthy"}


def test_the_database_image_runs_the_scripts_the_native_stack_runs():
    context, _ = build_of(SERVICES["db-primary"])
    copied = [line for line in dockerfile_stage(context, None) if line.startswith("COPY ")]
    entrypoint = (context / "entrypoint.sh").read_text()

    assert context == postgres.SCRIPTS_DIR
    assert all(script.name in copied[0].split() for script in postgres.SCRIPTS)
    assert "\n    PGUSER=postgres primary-init.sh\n" in entrypoint
    assert "replica) replica-bootstrap.sh ;;" in entrypoint
    assert SERVICES["db-primary"]["command"] == ["primary"]
    assert SERVICES["db-replica1"]["command"] == SERVICES["db-replica2"]["command"] == ["replica"]


def test_the_redis_image_runs_the_native_stacks_config():
    context, _ = build_of(SERVICES["redis"])
    stage = dockerfile_stage(context, None)

    assert context / "redis.conf" == redis.CONFIG_FILE
    assert "COPY redis.conf /etc/redis/shop.conf" in stage
    assert any(line.startswith('CMD ["redis-server", "/etc/redis/shop.conf"') for line in stage)


def test_web_image_starts_with_the_script_make_serve_runs():
    stage = dockerfile_stage(*build_of(SERVICES["web"]))

    assert stage[-1] == 'CMD ["docker/web/start.sh"]'
    assert os.access(DOCKER_DIR / "web" / "start.sh", os.X_OK)


def test_locust_runs_the_project_locustfile_under_the_bench_profile_only():
    for name in ("locust-master", "locust-worker"):
        service = SERVICES[name]
        stage = dockerfile_stage(*build_of(service))

        assert service["profiles"] == ["bench"]
        assert "COPY loadtests loadtests" in stage
        assert service["command"][:2] == ["-f", "loadtests/locustfile.py"]
    assert not any("profiles" in SERVICES[name] for name in SERVICES if "locust" not in name)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("db-primary", "/var/lib/postgresql/data"),
        ("db-replica1", "/var/lib/postgresql/data"),
        ("db-replica2", "/var/lib/postgresql/data"),
        # The generated SECRET_KEY (sessions) and the product images.
        ("web", "/app/var"),
    ],
)
def test_what_must_outlive_a_container_is_on_a_named_volume(name, path):
    volumes = dict(volume.split(":", 1) for volume in SERVICES[name]["volumes"])

    assert {target: source for source, target in volumes.items()}[path] in COMPOSE["volumes"]


def test_the_shop_is_published_on_loopback_at_a_port_of_the_users_choosing():
    assert SERVICES["web"]["ports"] == ["${WEB_HOST:-127.0.0.1}:${WEB_PORT:-8000}:8000"]
    assert SERVICES["web"]["environment"]["SITE_URL"] == "http://localhost:${WEB_PORT:-8000}"


@pytest.mark.parametrize(
    "path",
    [*sorted(str(path.relative_to(BASE_DIR)) for path in DOCKER_DIR.rglob("*.sh")), ".ci/run"],
)
def test_scripts_keep_lf_endings_in_any_checkout(path):
    attributes = subprocess.run(
        ["git", "check-attr", "eol", "--", path],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    assert attributes.stdout.strip() == f"{path}: eol: lf"


def test_docker_compose_validates_the_file():
    if not shutil.which("docker-compose"):
        pytest.fail("docker-compose is missing: apt-get install -y docker-compose")
    result = subprocess.run(
        ["docker-compose", "--profile", "bench", "config", "--quiet"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
