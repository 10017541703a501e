"""
Read replicas and failover.

``router.ReplicaRouter`` sends the reads that may be a little stale to the replicas, round robin,
and everything else to the primary; ``routing`` holds the per-request state that decides it
(``use_primary()``, read-your-writes pins). ``backends.failover`` is a database ENGINE that keeps
a replica alias answering when its node dies, using what ``health`` knows about every node and
what ``lag`` measures, and ``shared_health`` shares with the host's other processes. Every wait
for a node has a deadline; ``deadlines`` says what a statement past it costs
(``QueryDeadlineExceeded``) and who may run long ones (``long_statements()``). ``pinning`` and
``timing`` are the middleware that carry the pin across requests and report, in a
``Server-Timing`` header, which node served the reads. Options come from ``perf.conf``;
docs/replicas-and-failover.md explains the whole.
"""

from perf.db.deadlines import QueryDeadlineExceeded, long_statements
from perf.db.routing import use_primary

__all__ = ["QueryDeadlineExceeded", "long_statements", "use_primary"]
