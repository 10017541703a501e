"""
The smallest project that uses ``perf``, and nothing of the shop: what docs/using-perf.md lists,
proven by ``test_minimal_project.py``, which runs it in a process of its own.
"""
