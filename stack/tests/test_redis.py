"""The throwaway stack's Redis is the cache Django uses, and a test can stop and start it."""

import pytest
import redis
from django.core.cache import cache

pytestmark = pytest.mark.stack


def test_django_cache_is_the_stack_redis(stack):
    cache.set("greeting", "hello")

    assert stack.redis.client().get(cache.make_key("greeting")) is not None
    assert cache.get("greeting") == "hello"


def test_stopped_redis_refuses_connections_until_started(stack):
    stack.stop_redis()
    with pytest.raises(redis.ConnectionError):
        stack.redis.client().ping()

    stack.start_redis()

    assert stack.redis.client().ping()
