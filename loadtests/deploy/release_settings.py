"""The shop's settings with release 2's code installed (``loadtests.deploy.release``)."""

from shop.settings import *  # noqa: F403
from shop.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "loadtests.deploy.release.Release2Config"]
