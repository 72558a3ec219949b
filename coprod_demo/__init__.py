"""A demo for ``coprod serve --demo``: a fictional dementia co-production initiative.

This package is content, like a plugin is: it names a toolkit (the Co-Production Star)
and tells an invented story with it, so that a newcomer finds an organisation, a key and
a living initiative to try every endpoint on. ``api`` loads it only when asked to seed.
"""

from coprod_demo.seed import DemoRequestError, DemoSeed, DemoUnavailableError, seed_demo

__all__ = ["DemoRequestError", "DemoSeed", "DemoUnavailableError", "seed_demo"]
