"""Webhook delivery: signed POSTs of the change feed's events, sent by workers.

``guard`` keeps deliveries to public addresses when they connect, ``sending`` signs and
sends one message and judges the answer, ``worker`` claims subscriptions and walks their
cursors. The HTTP endpoints that manage subscriptions are ``api.resources.webhooks``.
"""
