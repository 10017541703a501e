import csv
import gzip
import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from loadtests import report
from loadtests.results import ScenarioResult
from loadtests.samples import Stats, percentile, read_samples
from loadtests.scenarios import FAILOVER, NAIVE, TWO_PASS, BenchConfig
from loadtests.suites import SUITES

START = 1_700_000_000.0


def write_samples(path, rows):
    with gzip.open(path, "wt", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(("time", "name", "ms", "failed", "reads", "cache"))
        writer.writerows(rows)
    return read_samples(path)


def steady_rows(seconds, per_second, ms, reads="replica1:1", cache=""):
    return [
        (f"{START + second + n / per_second:.4f}", "/p/[slug]/", ms, 0, reads, cache)
        for second in range(seconds)
        for n in range(per_second)
    ]


def test_samples_round_trip_with_their_reads_and_cache_state(tmp_path):
    (sample,) = write_samples(
        tmp_path / "s.csv.gz", [(START, "/", "12.5", 1, "replica1:2 default:1", "hit")]
    )

    assert sample.failed is True
    assert sample.ms == 12.5
    assert sample.reads == (("replica1", 2), ("default", 1))
    assert sample.cache == "hit"


def test_nearest_rank_percentiles():
    ordered = [float(n) for n in range(1, 101)]

    assert percentile(ordered, 0.50) == 50
    assert percentile(ordered, 0.99) == 99
    assert percentile([], 0.5) == 0


def test_stats_count_requests_failures_read_shares_and_cache_hits(tmp_path):
    samples = write_samples(
        tmp_path / "s.csv.gz",
        [
            (START, "/", 10, 0, "replica1:3", "hit"),
            (START + 1, "/", 20, 1, "default:1", "miss"),
            (START + 2, "/", 30, 0, "replica2:4", ""),
            (START + 3, "/", 40, 0, "", "hit"),
        ],
    )

    stats = Stats.of(samples, START, START + 4)

    assert (stats.requests, stats.failures, stats.rps) == (4, 1, 1.0)
    assert stats.read_shares == {"default": 0.125, "replica1": 0.375, "replica2": 0.5}
    assert stats.cache_hit_ratio == pytest.approx(2 / 3)


def test_phases_are_cut_where_the_events_were_fired(tmp_path):
    rows = steady_rows(3, 10, 10) + [
        (f"{START + 3 + n / 10:.4f}", "/", 80, 0, "replica2:1", "") for n in range(30)
    ]
    samples = write_samples(tmp_path / "s.csv.gz", rows)
    kill, restart = FAILOVER.events

    result = ScenarioResult.from_samples(
        FAILOVER, samples, [(kill, START + 3), (restart, START + 5)], tmp_path
    )

    assert [phase.name for phase in result.phases] == [
        "both replicas up",
        "replica 1 down",
        "replica 1 restarted",
    ]
    assert [phase.stats.requests for phase in result.phases] == [30, 20, 10]
    assert result.phases[0].stats.p99 == 10
    assert result.phases[1].stats.p99 == 80
    assert result.phases[1].stats.read_shares == {"replica2": 1.0}
    # Seconds since the first request started (10 ms before it completed at START).
    assert [at for _, at in result.events] == pytest.approx([3.01, 5.01])
    assert len(result.timeline) == 5  # whole seconds only


def fake_run(tmp_path, suite):
    return SimpleNamespace(
        suite=suite,
        config=BenchConfig(duration=6, warmup=1, users=2),
        directory=tmp_path,
        started=datetime(2026, 11, 28, tzinfo=UTC),
        command="make bench",
    )


def scenario_result(tmp_path, scenario, per_second, ms, fired=()):
    directory = tmp_path / scenario.key
    directory.mkdir()
    samples = write_samples(directory / "samples.csv.gz", steady_rows(6, per_second, ms))
    return ScenarioResult.from_samples(scenario, samples, list(fired), directory)


def test_the_report_writes_summaries_charts_and_checks_the_goals(tmp_path):
    kill, restart = FAILOVER.events
    fired = [(kill, START + 2), (restart, START + 4)]
    results = [
        scenario_result(tmp_path, NAIVE, per_second=10, ms=100),
        scenario_result(tmp_path, TWO_PASS, per_second=60, ms=15),
        scenario_result(tmp_path, FAILOVER, per_second=50, ms=20, fired=fired),
    ]

    report.write(fake_run(tmp_path, SUITES["bench"]), results, complete=False)

    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["baseline"] == NAIVE.key
    assert summary["complete"] is False
    assert [s["key"] for s in summary["scenarios"]] == [NAIVE.key, TWO_PASS.key, FAILOVER.key]
    assert summary["scenarios"][1]["ratio_to_baseline"]["rps"] == pytest.approx(6, rel=0.05)
    assert [goal["met"] for goal in summary["goals"]] == [True, True, True]
    assert len(summary["scenarios"][2]["phases"]) == 3
    markdown = (tmp_path / "summary.md").read_text()
    assert "Incomplete run" in markdown
    assert "| 2-two-pass: Two-pass caching, primary only | 60 | 6.0x |" in markdown
    assert "## Phases" in markdown
    for chart in ("throughput.png", "latency.png", "failover.png"):
        assert (tmp_path / chart).read_bytes().startswith(b"\x89PNG")


def test_a_goal_missed_is_reported_as_not_met(tmp_path):
    results = [
        scenario_result(tmp_path, NAIVE, per_second=10, ms=100),
        scenario_result(tmp_path, TWO_PASS, per_second=20, ms=50),
    ]

    report.write(fake_run(tmp_path, SUITES["bench"]), results, complete=True)

    goals = json.loads((tmp_path / "summary.json").read_text())["goals"]
    assert [(goal["measured"], goal["met"]) for goal in goals] == [
        ("2.0x (20 vs 10 req/s)", False),
        ("50 ms vs 100 ms", True),
    ]
    assert "| **no** |" in (tmp_path / "summary.md").read_text()
    assert not (tmp_path / "failover.png").exists()
