"""The replica-capacity report: reads split by kind and reason, the catalog goal, CPU budgets."""

import csv
import gzip
import json

from loadtests import report, servertiming
from loadtests.results import ScenarioResult
from loadtests.samples import Stats, read_samples
from loadtests.scenarios import PRIMARY_ALONE, WITH_REPLICAS
from loadtests.suites import SUITES
from loadtests.tests.test_reports import START, fake_run

HEADER = (
    'db;dur=3.1;desc="6 queries", '
    'db-default;dur=0.4;desc="2 reads";kinds="sessions:primary-only=1 catalog:pin-cookie=1", '
    'db-replica1;dur=1.5;desc="4 reads";kinds="catalog=4"'
)


def test_the_header_splits_each_nodes_reads_by_kind_and_reason():
    assert servertiming.kinds(HEADER) == {
        ("default", "sessions", "primary-only"): 1,
        ("default", "catalog", "pin-cookie"): 1,
        ("replica1", "catalog", ""): 4,
    }
    assert servertiming.reads(HEADER) == {"default": 2, "replica1": 4}


def write_samples(path, rows):
    with gzip.open(path, "wt", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(("time", "name", "ms", "failed", "reads", "cache", "kinds"))
        writer.writerows(rows)
    return read_samples(path)


def rows(per_second, ms, kinds):
    return [
        (f"{START + second + n / per_second:.4f}", "/c/[slug]/", ms, 0, "", "", kinds)
        for second in range(6)
        for n in range(per_second)
    ]


def result(tmp_path, scenario, per_second, ms, kinds, throttling):
    directory = tmp_path / scenario.key
    directory.mkdir()
    samples = write_samples(directory / "samples.csv.gz", rows(per_second, ms, kinds))
    outcome = ScenarioResult.from_samples(scenario, samples, [], directory)
    outcome.throttling = throttling
    return outcome


def test_samples_keep_the_kinds_and_stats_add_them_up_per_node(tmp_path):
    samples = write_samples(
        tmp_path / "s.csv.gz",
        [(START, "/", 5, 0, "", "", "default:auth:primary-only=1 replica2:catalog:=3")] * 2,
    )

    stats = Stats.of(samples, START, START + 1)

    assert stats.reads_by_kind() == {
        "default": {"auth:primary-only": 2},
        "replica2": {"catalog": 6},
    }


def test_the_report_says_who_reads_the_primary_and_why_and_checks_the_catalog_share(tmp_path):
    results = [
        result(
            tmp_path,
            PRIMARY_ALONE,
            10,
            400,
            "default:catalog:no-replicas=5",
            {"primary": (600, 540)},
        ),
        result(
            tmp_path,
            WITH_REPLICAS,
            25,
            3,
            "default:cart:primary-only=2 default:catalog:pin-cookie=1 replica1:catalog:=9",
            {"primary": (600, 30), "replica1": (600, 420)},
        ),
    ]

    report.write(fake_run(tmp_path, SUITES["replicas"]), results, complete=True)

    summary = json.loads((tmp_path / "summary.json").read_text())
    assert [goal["met"] for goal in summary["goals"]] == [True, True, True]
    assert summary["goals"][2]["measured"] == "10.0% (150 of 1500)"
    assert summary["scenarios"][1]["reads_by_kind"]["catalog"] == {
        "primary": 150,
        "replicas": 1350,
        "primary_reasons": {"pin-cookie": 150},
    }
    markdown = (tmp_path / "summary.md").read_text()
    assert "| 2-replicas | cart | 300 | 67% | 0 | 100% | primary-only 300 |" in markdown
    assert "| 2-replicas | catalog | 150 | 33% | 1350 | 10% | pin-cookie 150 |" in markdown
    assert "| 1-primary | primary | 600 | 90% |" in markdown
    assert (tmp_path / "reads.png").read_bytes().startswith(b"\x89PNG")
