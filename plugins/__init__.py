"""The toolkits that ship with coprod, each a plugin written as a third party would write one.

Each subpackage imports only the public names of ``toolkits_core`` and is found through
the ``toolkits_core`` entry-point group declared in ``setup.cfg``, exactly as an
installed third-party plugin is.
"""
