import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from perf.db.databases import FAILOVER_ENGINE, STOCK_ENGINE, parse_url, replicated_databases


def node(port: int, engine: str = STOCK_ENGINE) -> dict:
    return {"ENGINE": engine, "HOST": "10.0.0.1", "PORT": port, "NAME": "shop", "OPTIONS": {}}


def test_by_default_every_postgresql_node_runs_on_the_failover_backend():
    databases = replicated_databases(node(5432), [node(5433), node(5434)])
    assert list(databases) == ["default", "replica1", "replica2"]
    assert {entry["ENGINE"] for entry in databases.values()} == {FAILOVER_ENGINE}
    assert databases["replica2"]["PORT"] == 5434


def test_the_libpq_baseline_gives_each_replica_a_multi_host_string_its_own_host_first():
    databases = replicated_databases(node(5432), [node(5433), node(5434)], failover="libpq")
    assert {entry["ENGINE"] for entry in databases.values()} == {STOCK_ENGINE}
    assert databases["replica1"]["PORT"] == "5433,5434,5432"
    assert databases["replica2"]["PORT"] == "5434,5433,5432"
    assert databases["replica1"]["HOST"] == "10.0.0.1,10.0.0.1,10.0.0.1"
    assert databases["replica1"]["OPTIONS"] == {
        "target_session_attrs": "prefer-standby",
        "load_balance_hosts": "random",
        "connect_timeout": 2,
    }
    assert databases["default"]["PORT"] == 5432
    assert databases["default"]["OPTIONS"] == {"connect_timeout": 2}


def test_a_sqlite_primary_is_left_as_it_is():
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}
    assert replicated_databases(sqlite, []) == {"default": sqlite}


def test_an_unknown_strategy_is_refused():
    with pytest.raises(ValueError, match="libpq"):
        replicated_databases(node(5432), [], failover="pgbouncer")


@pytest.mark.parametrize(("strategy", "engine"), [("", FAILOVER_ENGINE), ("libpq", STOCK_ENGINE)])
def test_the_settings_pick_the_strategy_from_perf_db_failover(strategy, engine):
    environ = {
        **os.environ,
        "DATABASE_URL": "postgres://shop@127.0.0.1:5432/shop",
        "DATABASE_REPLICA_URLS": "postgres://shop@127.0.0.1:5433/shop",
        "PERF_DB_FAILOVER": strategy,
        "DJANGO_SETTINGS_MODULE": "shop.settings",
    }
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.DATABASES['replica1']['ENGINE'], settings.PERF['REPLICAS']]))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script],
        env=environ,
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(output) == [engine, ["replica1"]]


def test_a_multi_host_url_keeps_every_host_for_libpq_to_find_the_primary():
    entry = parse_url(
        "postgres://shop:secret@db-primary:5432,db-replica1,10.0.0.3:5433/shop"
        "?target_session_attrs=read-write",
        conn_max_age=60,
    )
    assert entry["HOST"] == "db-primary,db-replica1,10.0.0.3"
    assert entry["PORT"] == "5432,5432,5433"
    assert (entry["USER"], entry["PASSWORD"], entry["NAME"]) == ("shop", "secret", "shop")
    assert entry["OPTIONS"] == {"target_session_attrs": "read-write"}
    assert entry["CONN_MAX_AGE"] == 60


def test_a_single_host_url_is_parsed_as_dj_database_url_does():
    assert parse_url("postgres://shop@db:5433/shop")["PORT"] == 5433
