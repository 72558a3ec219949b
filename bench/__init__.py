"""coprod's benchmark suite: the API against a hand-written anchor, at several data sizes.

``python -m bench`` (see ``bench/README.md``) seeds the databases, serves the product
and the anchor with gunicorn, drives both with wrk and prints one table. Nothing here is
part of the test run.
"""
