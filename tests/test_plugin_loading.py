"""Loading plugins: a broken plugin is reported by name and skipped, or fails in strict mode."""

from __future__ import annotations

import dataclasses
import functools
import importlib.metadata

import pytest
from conftest import build_toolkit

from toolkits_core import (
    PLUGIN_API_VERSION,
    Blocker,
    EvidenceKind,
    EvidenceType,
    InitiativeView,
    PluginHost,
    PluginLoadError,
    Scale,
    Stage,
    UnknownToolkitError,
    _discovery,
    hookimpl,
    load_plugins,
)
from toolkits_core._discovery import PluginCandidate, discover


class Provides:
    """A plugin that registers the toolkits it is given."""

    def __init__(self, *toolkits):
        self.toolkits = toolkits

    @hookimpl
    def coprod_register_toolkits(self, register):
        for toolkit in self.toolkits:
            register(toolkit)


def candidate(name, plugin):
    return PluginCandidate(name, "9.9.9", lambda: plugin)


def failing_import():
    raise ImportError("No module named 'missing_dependency'")


def test_a_good_plugin_loads_and_its_toolkit_is_registered():
    host = PluginHost([candidate("good", Provides(build_toolkit()))])
    assert [t.key for t in host.toolkits()] == ["tiny"]
    (info,) = host.plugins
    assert (info.name, info.version, info.toolkits) == ("good", "9.9.9", ("tiny",))
    assert info.hooks == ("coprod_register_toolkits",)
    assert host.provider_of("tiny") is info
    assert host.failures == ()


def test_a_plugin_that_fails_to_import_is_skipped_and_the_others_still_load(caplog):
    host = PluginHost(
        [
            PluginCandidate("broken", "1.0", failing_import),
            candidate("good", Provides(build_toolkit())),
        ]
    )
    assert [p.name for p in host.plugins] == ["good"]
    (failure,) = host.failures
    assert (failure.plugin, failure.phase) == ("broken", "import")
    assert "missing_dependency" in failure.message
    assert "skipped plugin 'broken' (import)" in caplog.text


def test_strict_mode_raises_with_every_failure_named():
    with pytest.raises(PluginLoadError) as raised:
        PluginHost(
            [
                PluginCandidate("broken", "1.0", failing_import),
                candidate("wrong", Provides(build_toolkit(version="one"))),
                candidate("good", Provides(build_toolkit(key="fine"))),
            ],
            strict=True,
        )
    assert [f.plugin for f in raised.value.failures] == ["broken", "wrong"]
    assert "plugin 'broken' (import)" in str(raised.value)
    assert "plugin 'wrong' (toolkit): toolkit 'tiny' is wrong: version: 'one'" in str(raised.value)


def test_a_wrong_toolkit_is_reported_with_plugin_toolkit_and_problem_and_the_plugin_skipped():
    bad = build_toolkit(key="bad", version="v2")
    host = PluginHost([candidate("sloppy", Provides(build_toolkit(), bad))])
    (failure,) = host.failures
    assert str(failure) == (
        "plugin 'sloppy' (toolkit): toolkit 'bad' is wrong: "
        "version: 'v2' is not a semantic version such as '1.0.0'"
    )
    # Half a plugin is worse than none: its good toolkit is not registered either.
    assert host.toolkits() == ()
    assert host.plugins == ()


def test_a_toolkit_key_registered_by_two_plugins_is_refused_for_both():
    """Neither wins: otherwise a plugin whose name sorts first could take over a toolkit."""
    host = PluginHost(
        [
            candidate("first", Provides(build_toolkit())),
            candidate("second", Provides(build_toolkit(name="Impostor"))),
            candidate("bystander", Provides(build_toolkit(key="other"))),
        ]
    )
    assert [t.key for t in host.toolkits()] == ["other"]
    assert [(f.plugin, f.message) for f in host.failures] == [
        (
            "first",
            "toolkit 'tiny' is also registered by plugin 'second': "
            "a toolkit key has one provider, so none of them is loaded",
        ),
        (
            "second",
            "toolkit 'tiny' is also registered by plugin 'first': "
            "a toolkit key has one provider, so none of them is loaded",
        ),
    ]


def test_a_plugin_registering_one_key_twice_is_refused():
    (failure,) = PluginHost(
        [candidate("twice", Provides(build_toolkit(), build_toolkit()))]
    ).failures
    assert failure.message == "toolkit 'tiny' is registered twice"


def test_a_plugin_whose_register_hook_raises_is_reported():
    class Raises:
        @hookimpl
        def coprod_register_toolkits(self, register):
            raise RuntimeError("config file not found")

    host = PluginHost([candidate("raises", Raises())])
    (failure,) = host.failures
    assert (failure.phase, failure.message) == ("register", "RuntimeError: config file not found")


def test_registering_something_that_is_not_a_toolkit_is_reported():
    host = PluginHost([candidate("dicts", Provides({"key": "x"}))])
    assert (
        host.failures[0].message == "toolkit 'dict' is wrong: toolkit: must be a Toolkit, not dict"
    )


def test_a_misspelt_hook_is_reported_rather_than_silently_ignored():
    class Typo:
        @hookimpl
        def coprod_register_toolkit(self, register):
            register(build_toolkit())

    host = PluginHost([candidate("typo", Typo())])
    (failure,) = host.failures
    assert failure.phase == "hooks"
    assert (
        f"coprod_register_toolkit() is not a hook of plugin API {PLUGIN_API_VERSION}"
        in failure.message
    )


def test_a_hook_without_the_hookimpl_marker_is_reported():
    class Unmarked:
        def coprod_register_toolkits(self, register):
            register(build_toolkit())

    host = PluginHost([candidate("unmarked", Unmarked())])
    assert host.failures[0].message == (
        "coprod_register_toolkits() is not marked with @toolkits_core.hookimpl"
    )


def test_a_hook_asking_for_an_argument_the_spec_does_not_have_is_reported():
    class WrongArgument:
        @hookimpl
        def coprod_register_toolkits(self, registry):
            pass

    host = PluginHost([candidate("wrong-arg", WrongArgument())])
    (failure,) = host.failures
    assert failure.phase == "hooks"
    assert "registry" in failure.message


def test_a_plugin_for_another_major_plugin_api_is_refused():
    class Future(Provides):
        PLUGIN_API = 2

    host = PluginHost([candidate("future", Future(build_toolkit()))])
    (failure,) = host.failures
    assert (failure.phase, failure.message) == (
        "api_version",
        f"wants plugin API 2, this coprod provides {PLUGIN_API_VERSION}",
    )


def test_a_plugin_declaring_the_current_api_loads():
    class Current(Provides):
        PLUGIN_API = 1

    assert PluginHost([candidate("current", Current(build_toolkit()))]).failures == ()


def test_asking_for_an_unknown_toolkit_names_the_known_ones():
    host = PluginHost.of(Provides(build_toolkit()))
    with pytest.raises(
        UnknownToolkitError, match=r"no toolkit 'nope' is registered \(known: tiny\)"
    ):
        host.toolkit("nope")


def test_plugin_host_of_is_strict_for_plugin_authors_tests():
    with pytest.raises(PluginLoadError):
        PluginHost.of(Provides(dataclasses.replace(build_toolkit(), version="x")))


# The built-in plugins are published through the same entry-point group as any other.


def test_the_built_in_toolkits_are_discovered_through_the_entry_point_group():
    host = load_plugins(strict=True, environ={})
    assert {"coproduction_star", "national_standards"} <= {p.name for p in host.plugins}
    assert {"coproduction-star", "national-standards"} <= {t.key for t in host.toolkits()}


def test_coprod_plugins_selects_which_plugins_load():
    host = load_plugins(environ={"COPROD_PLUGINS": "national_standards"})
    assert [p.name for p in host.plugins] == ["national_standards"]


def test_an_empty_coprod_plugins_loads_none():
    assert load_plugins(environ={"COPROD_PLUGINS": ""}).plugins == ()


def test_coprod_disable_plugins_skips_plugins_and_says_so():
    host = load_plugins(environ={"COPROD_DISABLE_PLUGINS": "coproduction_star, nope"})
    assert "coproduction_star" not in {p.name for p in host.plugins}
    assert host.disabled == ("coproduction_star",)


def test_selecting_a_plugin_that_is_not_installed_is_a_failure():
    failures = discover({"COPROD_PLUGINS": "national_standards,ghost"}).failures
    assert [str(f) for f in failures] == [
        "plugin 'ghost' (select): named in COPROD_PLUGINS but not installed"
    ]


def test_coprod_plugins_strict_turns_failures_into_errors():
    with pytest.raises(PluginLoadError, match="ghost"):
        load_plugins(environ={"COPROD_PLUGINS": "ghost", "COPROD_PLUGINS_STRICT": "1"})


def test_plugin_host_of_takes_the_name_a_plugin_has_in_production():
    host = PluginHost.of(("my_plugin", Provides(build_toolkit())))
    assert host.provider_of("tiny").name == "my_plugin"


def test_plugin_host_of_names_a_published_module_by_its_entry_point():
    import plugins.national_standards

    assert PluginHost.of(plugins.national_standards).plugins[0].name == "national_standards"


@pytest.mark.parametrize("declared", ["1", 1.0, True])
def test_plugin_api_must_be_a_whole_major_version(declared):
    class Odd(Provides):
        PLUGIN_API = declared

    (failure,) = PluginHost([candidate("odd", Odd(build_toolkit()))]).failures
    assert failure.message == f"PLUGIN_API must be a major version such as 1, not {declared!r}"


def test_strict_mode_raises_without_also_logging_the_failures_as_skipped(caplog):
    with pytest.raises(PluginLoadError):
        PluginHost([PluginCandidate("broken", "1.0", failing_import)], strict=True)
    assert "skipped" not in caplog.text


# Hooks written wrongly are named in one line each --------------------------------------


def test_a_marked_function_that_is_not_a_hook_is_reported():
    class Unprefixed(Provides):
        @hookimpl
        def transition_blockers(self, toolkit):
            return None

    (failure,) = PluginHost([candidate("unprefixed", Unprefixed(build_toolkit()))]).failures
    assert failure.message.startswith("transition_blockers() is not a hook (hooks: coprod_")


def test_a_hook_taking_an_argument_the_hook_does_not_offer_names_what_it_offers():
    class Renamed(Provides):
        @hookimpl
        def coprod_transition_blockers(self, toolkit, initiative, move):
            return None

    (failure,) = PluginHost([candidate("renamed", Renamed(build_toolkit()))]).failures
    assert failure.message == (
        "coprod_transition_blockers() takes 'move', which the hook does not offer "
        "(it offers: toolkit, initiative, transition)"
    )


def test_a_plugin_with_no_hook_at_all_is_reported():
    (failure,) = PluginHost([candidate("empty", 42)]).failures
    assert failure.message.startswith("implements no hook (hooks: coprod_case_study_sections, ")
    assert "coprod_register_toolkits" in failure.message


def test_a_rules_plugin_that_says_for_which_toolkits_is_refused():
    class Orphan:
        @hookimpl
        def coprod_transition_blockers(self):
            return None

    (failure,) = PluginHost([candidate("orphan", Orphan())]).failures
    assert failure.message.startswith(
        "implements coprod_transition_blockers but provides no toolkit and declares no RULES_FOR"
    )


@pytest.mark.parametrize("declared", ["tiny", 7, ["tiny", 3]])
def test_rules_for_must_be_a_star_or_toolkit_keys(declared):
    class Odd(Provides):
        RULES_FOR = declared

    (failure,) = PluginHost([candidate("odd", Odd(build_toolkit()))]).failures
    assert failure.message == (
        f'RULES_FOR must be "*" or a sequence of toolkit keys, not {declared!r}'
    )


def test_a_class_published_as_itself_is_refused_as_its_hooks_would_lack_self():
    class Ruled:
        RULES_FOR = "*"

        @hookimpl
        def coprod_transition_blockers(self):
            return None

    (failure,) = PluginHost([candidate("ruled", Ruled)]).failures
    assert failure.message.startswith("is the class Ruled itself: publish a module or an instance")


# A definition so wrong that checking it could crash is still only one plugin's problem --


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"stages": [Stage(["list"], "Odd", "a")]}, "stages[0].key: must be a non-empty string"),
        ({"scales": [Scale("s", "S", "s", levels=None)]}, "scales[0].levels: must be a sequence"),
        (
            {"evidence_types": [EvidenceType("e", "E", EvidenceKind.NOTE, "s", True)]},
            "evidence_types[0].payload_schema: must be a JSON Schema object (a mapping), not True",
        ),
    ],
)
def test_a_definition_with_wrong_types_is_reported_and_the_others_still_load(overrides, expected):
    wrong = build_toolkit(key="wrong", activity_types=[], **overrides)
    host = PluginHost(
        [candidate("wrong", Provides(wrong)), candidate("good", Provides(build_toolkit()))]
    )
    assert [t.key for t in host.toolkits()] == ["tiny"]
    (failure,) = host.failures
    assert expected in failure.message


# What the environment says -------------------------------------------------------------


def test_two_distributions_publishing_one_plugin_name_are_both_refused(monkeypatch):
    def two_of_a_kind(group):
        return [
            importlib.metadata.EntryPoint("coproduction_star", "plugins.coproduction_star", group),
            importlib.metadata.EntryPoint("coproduction_star", "impostor.star", group),
        ]

    monkeypatch.setattr(_discovery.importlib.metadata, "entry_points", two_of_a_kind)
    found = _discovery.discover({})
    assert found.candidates == ()
    (failure,) = found.failures
    assert failure.message == (
        "published twice, by an unknown distribution (plugins.coproduction_star) and "
        "an unknown distribution (impostor.star): uninstall one"
    )


def test_a_name_in_coprod_disable_plugins_that_is_not_installed_is_reported_with_a_hint():
    (failure,) = discover({"COPROD_DISABLE_PLUGINS": "coproduction-star"}).failures
    assert failure.message == (
        "named in COPROD_DISABLE_PLUGINS but not installed; did you mean 'coproduction_star'? "
        "(plugin names, not toolkit keys)"
    )


def test_plugins_left_out_by_coprod_plugins_are_listed_as_unselected():
    host = load_plugins(environ={"COPROD_PLUGINS": "national_standards"})
    assert "coproduction_star" in host.unselected
    assert "national_standards" not in host.unselected


@pytest.mark.parametrize(
    ("value", "strict"), [("1", True), ("yes", True), ("0", False), ("", False)]
)
def test_coprod_plugins_strict_reads_yes_and_no(value, strict):
    assert _discovery.strict_from({"COPROD_PLUGINS_STRICT": value}) is strict


def test_an_unclear_coprod_plugins_strict_is_an_error_not_a_no():
    with pytest.raises(ValueError, match=r"COPROD_PLUGINS_STRICT='2': use 1"):
        load_plugins(environ={"COPROD_PLUGINS_STRICT": "2"})


# Second review: what must still not take the others down -----------------------------


def test_a_plugin_whose_attributes_raise_when_read_is_reported_not_fatal():
    class Touchy(Provides):
        @property
        def PLUGIN_API(self):  # noqa: N802 - the attribute the host reads
            raise RuntimeError("settings file missing")

    host = PluginHost(
        [
            candidate("touchy", Touchy(build_toolkit())),
            candidate("good", Provides(build_toolkit(key="ok"))),
        ]
    )
    assert [t.key for t in host.toolkits()] == ["ok"]
    assert host.failures[0].message == "RuntimeError: settings file missing"


class Rule:
    RULES_FOR = "*"


@pytest.mark.parametrize(
    ("hook", "expected"),
    [
        (
            lambda self, toolkit, initiative=None: None,
            "takes 'initiative' with a default, as keyword-only or as *args/**kwargs",
        ),
        (lambda self, *, toolkit: None, "takes 'toolkit' with a default, as keyword-only"),
        (lambda self, **kwargs: None, "takes 'kwargs', which the hook does not offer"),
    ],
)
def test_hook_arguments_pluggy_would_never_pass_are_reported(hook, expected):
    plugin = type("Odd", (Rule,), {"coprod_transition_blockers": hookimpl(hook)})()
    (failure,) = PluginHost([candidate("odd", plugin)]).failures
    assert expected in failure.message


def test_an_async_hook_is_reported():
    class Eager(Rule):
        @hookimpl
        async def coprod_transition_blockers(self):
            return None

    (failure,) = PluginHost([candidate("eager", Eager())]).failures
    assert failure.message == (
        "coprod_transition_blockers() is async: hooks are plain functions, called and "
        "answered at once"
    )


def test_a_hook_that_is_not_a_function_is_reported():
    class Partial(Rule):
        coprod_transition_blockers = functools.partial(lambda toolkit: None)

    (failure,) = PluginHost([candidate("partial", Partial())]).failures
    assert failure.message == (
        "coprod_transition_blockers is a partial, not a function: define it with def"
    )


def test_an_empty_rules_for_is_as_good_as_none():
    class Empty(Rule):
        RULES_FOR = ()

        @hookimpl
        def coprod_transition_blockers(self):
            return None

    (failure,) = PluginHost([candidate("empty", Empty())]).failures
    assert "provides no toolkit and declares no RULES_FOR" in failure.message


def test_rules_for_a_toolkit_nobody_provides_is_reported():
    class Typo(Rule):
        RULES_FOR = ("tinny",)

        @hookimpl
        def coprod_transition_blockers(self):
            return None

    host = PluginHost([candidate("tiny", Provides(build_toolkit())), candidate("typo", Typo())])
    (failure,) = host.failures
    assert failure.message == (
        "RULES_FOR names 'tinny', which no loaded plugin provides, so those rules would never run"
    )


def test_plugins_need_distinct_non_empty_names():
    host = PluginHost.of(
        ("twin", Provides(build_toolkit())),
        ("twin", Provides(build_toolkit(key="other"))),
        ("", Provides(build_toolkit(key="third"))),
        strict=False,
    )
    assert host.toolkits() == ()
    assert [(f.plugin, f.message) for f in host.failures] == [
        ("twin", "two plugins have this name, so neither loads"),
        ("twin", "two plugins have this name, so neither loads"),
        ("''", "a plugin needs a non-empty name"),
    ]


def test_a_three_way_clash_names_both_others():
    host = PluginHost([candidate(name, Provides(build_toolkit())) for name in ("a", "b", "c")])
    assert host.failures[0].message.startswith(
        "toolkit 'tiny' is also registered by plugin 'b' and 'c': a toolkit key has one "
        "provider, so none of them is loaded"
    )


def test_a_refused_plugins_rules_are_never_asked():
    asked = []

    class Refused(Rule):
        @hookimpl
        def coprod_register_toolkits(self, register):
            register(build_toolkit(key="broken", version="x"))

        @hookimpl
        def coprod_transition_blockers(self):
            asked.append("refused")

    class Clashing(Rule):
        @hookimpl
        def coprod_register_toolkits(self, register):
            register(build_toolkit(key="contested"))

        @hookimpl
        def coprod_transition_blockers(self):
            asked.append("clashing")

    host = PluginHost(
        [
            candidate("refused", Refused()),
            candidate("clash_a", Clashing()),
            candidate("clash_b", Clashing()),
            candidate("tiny", Provides(build_toolkit())),
        ]
    )
    assert host.decide_transition(InitiativeView("tiny", "first"), "second").allowed
    assert asked == []


def test_rules_plugins_answer_in_load_order_after_the_provider():
    def rule(code):
        class Adds(Rule):
            @hookimpl
            def coprod_transition_blockers(self):
                return [Blocker(code, f"{code} says no.")]

        return Adds()

    class Provider(Provides):
        @hookimpl
        def coprod_transition_blockers(self):
            return [Blocker("own", "The toolkit says no.")]

    host = PluginHost(
        [
            candidate("a_rule", rule("a")),
            candidate("b_rule", rule("b")),
            candidate("z_provider", Provider(build_toolkit())),
        ]
    )
    blockers = host.decide_transition(InitiativeView("tiny", "first"), "second").blockers
    assert [b.code for b in blockers] == ["own", "a", "b"]


def test_the_same_distribution_seen_twice_on_the_path_is_one_plugin(monkeypatch):
    def seen_twice(group):
        entry_point = importlib.metadata.EntryPoint("tiny", "plugins.national_standards", group)
        return [entry_point, entry_point]

    monkeypatch.setattr(_discovery.importlib.metadata, "entry_points", seen_twice)
    found = _discovery.discover({})
    assert ([c.name for c in found.candidates], found.failures) == (["tiny"], ())


def test_disabling_a_plugin_published_twice_settles_it(monkeypatch):
    def two_of_a_kind(group):
        return [
            importlib.metadata.EntryPoint("star", "plugins.coproduction_star", group),
            importlib.metadata.EntryPoint("star", "impostor.star", group),
        ]

    monkeypatch.setattr(_discovery.importlib.metadata, "entry_points", two_of_a_kind)
    found = _discovery.discover({"COPROD_DISABLE_PLUGINS": "star"})
    assert (found.candidates, found.failures, found.disabled) == ((), (), ("star",))
