"""The example plugin as plugin API 1.0 documented it, frozen: never edit example_plugin/.

Its tests run only installed, by test_plugins_written_for_1_0.py, never collected here.
"""

collect_ignore = ["example_plugin"]
