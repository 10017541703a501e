"""A test-only app whose migrations each break one migration rule (installed only by the tests)."""
