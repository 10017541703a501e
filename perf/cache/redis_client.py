"""
A redis-py client behind a circuit breaker, for every django-redis alias (sessions included).

django-redis builds its redis-py clients from ``OPTIONS["REDIS_CLIENT_CLASS"]``; naming this class
there puts every command and pipeline of the alias behind ``breaker.CircuitBreaker``. There is one
breaker per Redis server in each process, shared by every alias and thread that talks to it: a
hung server costs a request one socket timeout when it is found hung, not one per alias per
request. While the breaker is open a command raises ``CircuitOpen``, a redis-py
``ConnectionError``, at once: django-redis handles it as any connection error, so an alias with
``IGNORE_EXCEPTIONS`` (the session store) answers a miss and the others raise. Once the cooldown
is over, the breaker's probe (``ping``, in a thread of its own) tries the server, not a command
of a request: a hung Redis would hold that request, and every one queued behind it in its
worker, for the full socket timeout, once per cooldown.

Only a connection error or a timeout counts as the server failing; an error reply (a wrong type,
say) means it answered.
"""

from functools import partial

import redis
from redis.client import Pipeline

from perf.cache.breaker import CircuitBreaker, server_breaker

SERVER_ERRORS = (redis.ConnectionError, redis.TimeoutError)


class CircuitOpen(redis.ConnectionError):
    """The server failed a moment ago and is skipped until its breaker lets a call try it."""


def _server(pool: redis.ConnectionPool) -> str:
    kwargs = pool.connection_kwargs
    return kwargs.get("path") or f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}"


def ping(pool: redis.ConnectionPool) -> None:
    """PING the server of ``pool`` on a connection of its own (outside the pool and the
    breaker), with the pool's timeouts; raises unless it answers."""
    connection = pool.connection_class(**pool.connection_kwargs)
    try:
        connection.connect()
        connection.send_command("PING")
        connection.read_response()
    finally:
        connection.disconnect()


class CircuitBreakerRedis(redis.Redis):
    @property
    def breaker(self) -> CircuitBreaker:
        pool = self.connection_pool
        return server_breaker(_server(pool), probe=partial(ping, pool))

    def execute_command(self, *args, **options):
        command = partial(super().execute_command, *args, **options)
        return self.breaker.call(command, errors=SERVER_ERRORS, unavailable=CircuitOpen)

    def pipeline(self, transaction: bool = True, shard_hint=None) -> Pipeline:
        pipeline = CircuitBreakerPipeline(
            self.connection_pool, self.response_callbacks, transaction, shard_hint
        )
        pipeline.breaker = self.breaker
        return pipeline


class CircuitBreakerPipeline(Pipeline):
    breaker: CircuitBreaker

    def execute(self, raise_on_error: bool = True):
        command = partial(super().execute, raise_on_error)
        return self.breaker.call(command, errors=SERVER_ERRORS, unavailable=CircuitOpen)
