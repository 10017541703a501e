"""
Every image docker-compose.yml builds, built without a registry.

The base, debian:bookworm-slim, is pulled or else made from Debian's archive
(``docker/base-image.sh``). Each image is then built from its ``build`` section with BuildKit,
on the host's network (Debian's archive and PyPI are reached from there), with the machine's CA
bundle as the ``pip-cert`` secret when pip has one configured (a TLS-inspecting proxy's): a
secret never lands in an image. Compose itself could not pass that secret (1.29 knows no build
secrets), hence ``docker build`` here and ``up --no-build`` after.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from stack.compose.project import BASE_DIR
from stack.exceptions import StackError

BASE_IMAGE_SCRIPT = BASE_DIR / "docker" / "base-image.sh"


def builder() -> tuple[list[str], dict[str, str]]:
    """The first Docker client on the PATH that builds with BuildKit, and its environment.

    ``docker buildx build`` where the buildx plugin is installed (Docker's own packages);
    otherwise a client whose ``docker build`` still has BuildKit inside it with
    ``DOCKER_BUILDKIT=1`` (Debian's docker.io). A newer client without buildx falls back to
    the legacy builder, which knows no ``RUN --mount``, so it is passed over.
    """
    seen = set()
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        client = shutil.which("docker", path=directory)
        if client is None or os.path.realpath(client) in seen:
            continue
        seen.add(os.path.realpath(client))
        if _succeeds([client, "buildx", "version"]):
            return [client, "buildx", "build"], {}
        buildkit = {"DOCKER_BUILDKIT": "1"}
        if "--secret" in _output([client, "build", "--help"], buildkit):
            return [client, "build"], buildkit
    raise StackError(
        "No Docker client here builds with BuildKit: install the buildx plugin "
        "(docker-buildx-plugin) or Debian's docker.io."
    )


def pip_cert() -> Path | None:
    """The CA bundle pip is configured with (``cert``), if any."""
    if os.environ.get("PIP_CERT"):
        return Path(os.environ["PIP_CERT"])
    listing = _output([sys.executable, "-m", "pip", "config", "list"])
    for line in listing.splitlines():
        key, _, value = line.partition("=")
        if key.rpartition(".")[2] == "cert":
            path = Path(value.strip("'\""))
            return path if path.is_file() else None
    return None


def build_images(config: dict, log: Path) -> dict[str, float]:
    """Build every image of the resolved compose ``config``; seconds per image, the base first.
    The build output goes to ``log``."""
    seconds = {"debian:bookworm-slim": _timed(["bash", str(BASE_IMAGE_SCRIPT)], log)}
    command, environ = builder()
    cert = pip_cert()
    secret = ["--secret", f"id=pip-cert,src={cert}"] if cert else []
    for image, build in images(config).items():
        context = BASE_DIR / build["context"]
        argv = [*command, "--network", "host", "--tag", image, *secret]
        if build.get("dockerfile"):
            argv += ["--file", str(context / build["dockerfile"])]
        if build.get("target"):
            argv += ["--target", build["target"]]
        seconds[image] = _timed([*argv, str(context)], log, environ)
    return seconds


def images(config: dict) -> dict[str, dict]:
    """Image name -> build section, once per image (the replicas share the primary's)."""
    found = {}
    for service in config["services"].values():
        if "build" in service:
            build = service["build"]
            found[service["image"]] = {"context": build} if isinstance(build, str) else build
    return found


def _timed(argv: list[str], log: Path, environ: dict[str, str] | None = None) -> float:
    started = time.monotonic()
    with log.open("a") as output:
        output.write(f"\n$ {' '.join(argv)}\n")
        output.flush()
        result = subprocess.run(
            argv, stdout=output, stderr=subprocess.STDOUT, env={**os.environ, **(environ or {})}
        )
    if result.returncode != 0:
        tail = "\n".join(log.read_text().splitlines()[-30:])
        raise StackError(f"{' '.join(argv)} failed ({result.returncode}), see {log}:\n{tail}")
    return time.monotonic() - started


def _succeeds(argv: list[str]) -> bool:
    return subprocess.run(argv, capture_output=True, check=False).returncode == 0


def _output(argv: list[str], environ: dict[str, str] | None = None) -> str:
    environ = {**os.environ, **(environ or {})}
    return subprocess.run(argv, capture_output=True, text=True, env=environ, check=False).stdout
