"""
A PostgreSQL ENGINE that keeps replica aliases answering when a node dies: set
``"ENGINE": "perf.db.backends.failover"`` on the primary and the replicas (``base.py``).
"""
