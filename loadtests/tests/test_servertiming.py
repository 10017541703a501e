from loadtests import servertiming


def test_metrics_with_quoted_and_token_parameters_are_parsed():
    header = 'db;desc="replica1";dur=2.5, cache;desc=hit, total;dur=12'

    assert servertiming.parse(header) == [
        ("db", {"desc": "replica1", "dur": "2.5"}),
        ("cache", {"desc": "hit"}),
        ("total", {"dur": "12"}),
    ]


def test_a_missing_or_empty_header_has_no_metrics():
    assert servertiming.parse("") == []
    assert servertiming.parse(None) == []
    assert servertiming.reads("") == {}


def test_reads_are_counted_per_node_and_the_query_total_is_not_a_node():
    header = (
        'db;dur=2.31;desc="7 queries", db-replica2;dur=1.52;desc="5 reads", '
        'db-default;dur=0.2;desc="1 reads", app;dur=9'
    )

    assert servertiming.reads(header) == {"replica2": 5, "default": 1}


def test_a_node_entry_without_a_count_counts_as_one_read():
    assert servertiming.reads("db-replica1;dur=1") == {"replica1": 1}
