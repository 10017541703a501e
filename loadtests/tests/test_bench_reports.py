"""The in-process benchmarks' reports (the runs themselves need minutes: `make bench-views`)."""

from loadtests import bench_rebuild, bench_views

RATES = {
    "hello": 10_000.0,
    "uncached": 100.0,
    "cache_page": 3_000.0,
    "fragment": 150.0,
    "twopass_hit": 2_700.0,
    "twopass_hit_signed_in": 900.0,
    "twopass_hit_untracked": 2_200.0,
}


def test_views_json_holds_the_five_variants_and_nothing_else():
    assert bench_views.views_json(RATES) == {
        "views": {
            "hello": 10_000.0,
            "uncached": 100.0,
            "cache_page": 3_000.0,
            "fragment": 150.0,
            "twopass_hit": 2_700.0,
        }
    }


def test_the_views_report_checks_every_goal():
    report = bench_views.report({**RATES, "twopass_hit": 2_000.0})

    assert "twopass_hit >= 1.2x cache_page: 0.667x (NOT met)" in report
    assert "twopass_hit >= 0.5x hello: 0.200x (NOT met)" in report
    assert "twopass_hit_signed_in >= 0.7x twopass_hit: 0.450x (NOT met)" in report
    assert "uncached >= 0.054x hello: 0.010x (NOT met)" in report
    assert "twopass_hit >= 10.0x uncached: 20.000x (met)" in report


def test_the_rebuild_report_compares_speed_and_queries_per_page():
    def summary(seconds, queries):
        return {
            "pages": {"items": 10_000},
            "seconds": seconds,
            "seconds_per_page": seconds / 10_000,
            "queries": queries,
            "queries_per_page": queries / 10_000,
        }

    report = bench_rebuild.report(
        {
            "multi-level": summary(50.0, 300),
            "multi-level, 1 process": summary(100.0, 300),
            "naive": summary(600.0, 80_000),
        }
    )

    assert "goal multi-level >= 10x faster: 12.0x (met)" in report
    assert "goal <= 0.1 query per page: 0.030 (met)" in report
