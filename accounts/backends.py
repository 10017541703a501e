"""
The signed-in user, read from the data cache.

Django's ``ModelBackend`` reads the user from the database on every request of a signed-in
visitor: on cached pages that query was the largest cost left after the mini-cart. This backend
keeps the user in ``perf.cache`` under a namespace of their own, bumped after commit whenever the
user is saved or deleted. Changing a password saves the user, so the next request reads the new
password hash and ``django.contrib.auth`` logs out the sessions it no longer matches, as it would
without the cache. ``QuerySet.update()`` on users sends no signal: use ``save()`` for changes
that must show at once. The shared level (Redis) then holds user rows, password hashes included,
next to the sessions it already holds.
"""

import copy

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest

from perf.cache import data_cache, invalidate, shape

#: Part of the cached user's key: a release whose user model differs never reads it.
USER_SHAPE = shape(get_user_model())


def user_namespace(user_id: object) -> str:
    return f"accounts:user:{user_id}"


def hole_namespaces(request: HttpRequest) -> list[str]:
    """The signed-in user's namespace (``PERF["HOLE_NAMESPACES"]``), from the session: the header
    reads the user."""
    user_id = request.session.get(SESSION_KEY)
    return [user_namespace(user_id)] if user_id is not None else []


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = data_cache().get_or_set(
            f"user:{USER_SHAPE}:{user_id}",
            lambda: super(CachedModelBackend, self).get_user(user_id),
            namespaces=[user_namespace(user_id)],
        )
        # A copy: a request may change its user without saving (a form that fails validation
        # fills the instance first), and the in-process cache must not keep that.
        return copy.copy(user)


@receiver(post_save, sender=get_user_model())
@receiver(post_delete, sender=get_user_model())
def user_changed(sender, instance, using: str, **kwargs) -> None:
    invalidate(user_namespace(instance.pk), using=using)
