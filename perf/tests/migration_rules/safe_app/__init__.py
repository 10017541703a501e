"""
A test-only app whose migrations follow the safe recipes of docs/migration-rules.md, step by step
(installed only by the tests, which also apply and reverse them on PostgreSQL).
"""
