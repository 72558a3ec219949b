"""toolkits_core: the toolkit-agnostic core of coprod.

Plugins import only the names exported here. Everything in a module whose name starts
with an underscore is private and may change without notice; the plugin API is versioned
by ``PLUGIN_API_VERSION`` (see ``docs/plugins.md``).
"""

from toolkits_core._assessment_summary import default_summary
from toolkits_core._case_study_sections import (
    Block,
    CaseStudySection,
    CaseStudyView,
    Citations,
    Measure,
    Measures,
    Paragraph,
    Table,
)
from toolkits_core._definition_checks import check_toolkit
from toolkits_core._discovery import ENTRY_POINT_GROUP
from toolkits_core._documents import (
    evidence_payload_schema,
    failure_document,
    plugin_document,
    toolkit_document,
    toolkit_summary_document,
)
from toolkits_core._evidence_kinds import EvidenceKind, default_payload_schema
from toolkits_core._hookspecs import PLUGIN_API_VERSION, hookimpl, hookspec
from toolkits_core._host import PluginHost, PluginInfo, load_plugins
from toolkits_core._outcomes import (
    Advice,
    AssessmentSummary,
    Blocker,
    Problem,
    Transition,
    TransitionDecision,
    TransitionKind,
)
from toolkits_core._plugin_errors import (
    InvalidRecordError,
    PluginFailure,
    PluginHookError,
    PluginLoadError,
    UnknownToolkitError,
)
from toolkits_core._views import (
    ALL_CYCLES,
    ActivityView,
    AssessmentView,
    Consent,
    EvidenceView,
    InitiativeView,
    ParticipantRole,
    ParticipantView,
)
from toolkits_core._vocabulary import (
    ActivityType,
    Dimension,
    EvidenceType,
    Indicator,
    ListsAre,
    Requirement,
    Scale,
    ScaleBand,
    ScaleLevel,
    Stage,
    StageFlow,
    Toolkit,
)

__all__ = [
    "ALL_CYCLES",
    "ENTRY_POINT_GROUP",
    "PLUGIN_API_VERSION",
    "ActivityType",
    "ActivityView",
    "Advice",
    "AssessmentSummary",
    "AssessmentView",
    "Block",
    "Blocker",
    "CaseStudySection",
    "CaseStudyView",
    "Citations",
    "Consent",
    "Dimension",
    "EvidenceKind",
    "EvidenceType",
    "EvidenceView",
    "Indicator",
    "InitiativeView",
    "InvalidRecordError",
    "ListsAre",
    "Measure",
    "Measures",
    "Paragraph",
    "ParticipantRole",
    "ParticipantView",
    "PluginFailure",
    "PluginHookError",
    "PluginHost",
    "PluginInfo",
    "PluginLoadError",
    "Problem",
    "Requirement",
    "Scale",
    "ScaleBand",
    "ScaleLevel",
    "Stage",
    "StageFlow",
    "Table",
    "Toolkit",
    "Transition",
    "TransitionDecision",
    "TransitionKind",
    "UnknownToolkitError",
    "check_toolkit",
    "default_payload_schema",
    "default_summary",
    "evidence_payload_schema",
    "failure_document",
    "hookimpl",
    "hookspec",
    "load_plugins",
    "plugin_document",
    "toolkit_document",
    "toolkit_summary_document",
]
