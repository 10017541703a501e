"""docker-compose.yml is wired as the docs promise: no engine runs here, so the file is parsed."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from stack import postgres, redis

BASE_DIR = Path(__file__).resolve().parent.parent.parent
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def bind_mounts(service: dict) -> dict[str, Path]:
    """Container path -> host path of each bind mount (named volumes left out)."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith("."):
            mounts[target] = (BASE_DIR / source).resolve()
    return mounts


def host_path(service: dict, container_path: str) -> Path:
    for target, source in bind_mounts(service).items():
        if container_path == target or container_path.startswith(target + "/"):
            return source / os.path.relpath(container_path, target)
    raise AssertionError(f"{container_path} is not mounted from the repository")


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


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_file_a_service_mounts_exists(name):
    for source in bind_mounts(SERVICES[name]).values():
        assert source.exists(), source


def test_containers_run_the_scripts_the_native_stack_runs():
    primary, replica = SERVICES["db-primary"], SERVICES["db-replica1"]
    init_script = host_path(primary, "/docker-entrypoint-initdb.d/10-primary-init.sh")
    bootstrap = host_path(replica, replica["entrypoint"][0])

    assert init_script == postgres.SCRIPTS_DIR / "primary-init.sh"
    assert bootstrap == postgres.SCRIPTS_DIR / "replica-bootstrap.sh"
    assert os.access(bootstrap, os.X_OK)
    assert host_path(SERVICES["redis"], SERVICES["redis"]["command"][1]) == redis.CONFIG_FILE


def test_locust_runs_the_project_locustfile_under_the_bench_profile_only():
    for name in ("locust-master", "locust-worker"):
        service = SERVICES[name]
        locustfile = Path(service["working_dir"], service["command"][1])

        assert service["profiles"] == ["bench"]
        assert host_path(service, str(locustfile)).is_file()
    assert not any("profiles" in SERVICES[name] for name in SERVICES if "locust" not in name)


def test_web_image_starts_with_the_script_make_serve_runs():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()

    assert 'CMD ["docker/web/start.sh"]' in dockerfile
    assert os.access(BASE_DIR / "docker" / "web" / "start.sh", os.X_OK)
    assert SERVICES["web"]["build"] == "."


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
