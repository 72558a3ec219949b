"""Contains all the data models used in inputs/outputs"""

from .activity import Activity
from .activity_attendance_type_1_type_0 import ActivityAttendanceType1Type0
from .activity_input import ActivityInput
from .activity_input_attendance_type_1_type_0 import ActivityInputAttendanceType1Type0
from .activity_input_recurrence_type_1_type_0 import ActivityInputRecurrenceType1Type0
from .activity_page import ActivityPage
from .activity_patch import ActivityPatch
from .activity_patch_attendance_type_1_type_0 import ActivityPatchAttendanceType1Type0
from .activity_patch_recurrence_type_1_type_0 import ActivityPatchRecurrenceType1Type0
from .activity_recurrence_type_1_type_0 import ActivityRecurrenceType1Type0
from .activity_type import ActivityType
from .activity_type_lists_are import ActivityTypeListsAre
from .activity_written import ActivityWritten
from .activity_written_attendance_type_1_type_0 import ActivityWrittenAttendanceType1Type0
from .activity_written_recurrence_type_1_type_0 import ActivityWrittenRecurrenceType1Type0
from .actor import Actor
from .advice import Advice
from .api_key import ApiKey
from .api_key_create import ApiKeyCreate
from .api_key_create_scopes_item import ApiKeyCreateScopesItem
from .api_key_page import ApiKeyPage
from .assessment import Assessment
from .assessment_comparison import AssessmentComparison
from .assessment_input import AssessmentInput
from .assessment_input_perspective import AssessmentInputPerspective
from .assessment_input_ratings import AssessmentInputRatings
from .assessment_page import AssessmentPage
from .assessment_patch import AssessmentPatch
from .assessment_patch_perspective import AssessmentPatchPerspective
from .assessment_patch_ratings import AssessmentPatchRatings
from .assessment_perspective import AssessmentPerspective
from .assessment_ratings import AssessmentRatings
from .assessment_summary import AssessmentSummary
from .assessment_summary_type_1_type_0 import AssessmentSummaryType1Type0
from .attendance import Attendance
from .audit_event import AuditEvent
from .audit_event_page import AuditEventPage
from .blocker import Blocker
from .case_study import CaseStudy
from .case_study_create import CaseStudyCreate
from .case_study_create_kind import CaseStudyCreateKind
from .case_study_page import CaseStudyPage
from .case_study_patch import CaseStudyPatch
from .case_study_patch_sections import CaseStudyPatchSections
from .case_study_sections import CaseStudySections
from .change import Change
from .change_page import ChangePage
from .change_record_type_0 import ChangeRecordType0
from .compared_assessment import ComparedAssessment
from .completeness import Completeness
from .content import Content
from .content_sections_item import ContentSectionsItem
from .content_toolkit import ContentToolkit
from .create_o_auth_token_body import CreateOAuthTokenBody
from .create_o_auth_token_body_grant_type import CreateOAuthTokenBodyGrantType
from .delivery import Delivery
from .delivery_page import DeliveryPage
from .dimension import Dimension
from .dimension_comparison import DimensionComparison
from .dimension_comparison_ratings import DimensionComparisonRatings
from .evidence import Evidence
from .evidence_consent import EvidenceConsent
from .evidence_file import EvidenceFile
from .evidence_file_type_1_type_0 import EvidenceFileType1Type0
from .evidence_input import EvidenceInput
from .evidence_input_consent import EvidenceInputConsent
from .evidence_input_payload import EvidenceInputPayload
from .evidence_input_publication_consent import EvidenceInputPublicationConsent
from .evidence_input_visibility import EvidenceInputVisibility
from .evidence_page import EvidencePage
from .evidence_patch import EvidencePatch
from .evidence_patch_consent import EvidencePatchConsent
from .evidence_patch_payload import EvidencePatchPayload
from .evidence_patch_publication_consent import EvidencePatchPublicationConsent
from .evidence_patch_visibility import EvidencePatchVisibility
from .evidence_payload import EvidencePayload
from .evidence_publication_consent import EvidencePublicationConsent
from .evidence_type import EvidenceType
from .evidence_type_kind import EvidenceTypeKind
from .evidence_type_payload_schema import EvidenceTypePayloadSchema
from .evidence_visibility import EvidenceVisibility
from .evidence_written import EvidenceWritten
from .evidence_written_consent import EvidenceWrittenConsent
from .evidence_written_file_type_1_type_0 import EvidenceWrittenFileType1Type0
from .evidence_written_payload import EvidenceWrittenPayload
from .evidence_written_publication_consent import EvidenceWrittenPublicationConsent
from .evidence_written_visibility import EvidenceWrittenVisibility
from .field_error import FieldError
from .field_error_location import FieldErrorLocation
from .file_upload import FileUpload
from .indicator import Indicator
from .initiative import Initiative
from .initiative_input import InitiativeInput
from .initiative_input_status import InitiativeInputStatus
from .initiative_page import InitiativePage
from .initiative_patch import InitiativePatch
from .initiative_patch_status import InitiativePatchStatus
from .initiative_status import InitiativeStatus
from .library_entry import LibraryEntry
from .library_entry_page import LibraryEntryPage
from .list_all_participants_consent import ListAllParticipantsConsent
from .list_all_participants_role import ListAllParticipantsRole
from .list_assessments_perspective import ListAssessmentsPerspective
from .list_audit_events_action import ListAuditEventsAction
from .list_audit_events_record_type import ListAuditEventsRecordType
from .list_events_record_type_item import ListEventsRecordTypeItem
from .list_events_type_item import ListEventsTypeItem
from .list_evidence_visibility import ListEvidenceVisibility
from .list_initiatives_status import ListInitiativesStatus
from .list_participants_consent import ListParticipantsConsent
from .list_participants_role import ListParticipantsRole
from .move import Move
from .new_api_key import NewApiKey
from .new_o_auth_client import NewOAuthClient
from .new_webhook import NewWebhook
from .o_auth_client import OAuthClient
from .o_auth_client_create import OAuthClientCreate
from .o_auth_client_create_scopes_item import OAuthClientCreateScopesItem
from .o_auth_client_page import OAuthClientPage
from .organisation import Organisation
from .organisation_patch import OrganisationPatch
from .pagination_metadata import PaginationMetadata
from .participant_input import ParticipantInput
from .participant_input_age_band import ParticipantInputAgeBand
from .participant_input_consent import ParticipantInputConsent
from .participant_input_consent_given_by_type_1 import ParticipantInputConsentGivenByType1
from .participant_input_consent_given_by_type_2_type_1 import ParticipantInputConsentGivenByType2Type1
from .participant_input_consent_given_by_type_3_type_1 import ParticipantInputConsentGivenByType3Type1
from .participant_input_publication_consent import ParticipantInputPublicationConsent
from .participant_input_role import ParticipantInputRole
from .participant_patch import ParticipantPatch
from .participant_patch_age_band import ParticipantPatchAgeBand
from .participant_patch_consent import ParticipantPatchConsent
from .participant_patch_consent_given_by_type_1 import ParticipantPatchConsentGivenByType1
from .participant_patch_consent_given_by_type_2_type_1 import ParticipantPatchConsentGivenByType2Type1
from .participant_patch_consent_given_by_type_3_type_1 import ParticipantPatchConsentGivenByType3Type1
from .participant_patch_publication_consent import ParticipantPatchPublicationConsent
from .participant_patch_role import ParticipantPatchRole
from .participant_role import ParticipantRole
from .plugin import Plugin
from .plugin_failure import PluginFailure
from .plugin_list import PluginList
from .problem import Problem
from .problem_blocker import ProblemBlocker
from .progress import Progress
from .providing_plugin import ProvidingPlugin
from .publication import Publication
from .publish import Publish
from .published import Published
from .published_sections_item import PublishedSectionsItem
from .published_toolkit import PublishedToolkit
from .recurrence import Recurrence
from .recurrence_frequency import RecurrenceFrequency
from .requirement import Requirement
from .requirement_status import RequirementStatus
from .rotate import Rotate
from .scale import Scale
from .scale_band import ScaleBand
from .scale_level import ScaleLevel
from .stage import Stage
from .stage_entry import StageEntry
from .stage_entry_page import StageEntryPage
from .token import Token
from .toolkit import Toolkit
from .toolkit_counts import ToolkitCounts
from .toolkit_list import ToolkitList
from .toolkit_stage_flow import ToolkitStageFlow
from .toolkit_summary import ToolkitSummary
from .toolkit_summary_stage_flow import ToolkitSummaryStageFlow
from .transition_request import TransitionRequest
from .webhook import Webhook
from .webhook_create import WebhookCreate
from .webhook_create_status import WebhookCreateStatus
from .webhook_page import WebhookPage
from .webhook_patch import WebhookPatch
from .webhook_patch_status import WebhookPatchStatus

__all__ = (
    "Activity",
    "ActivityAttendanceType1Type0",
    "ActivityInput",
    "ActivityInputAttendanceType1Type0",
    "ActivityInputRecurrenceType1Type0",
    "ActivityPage",
    "ActivityPatch",
    "ActivityPatchAttendanceType1Type0",
    "ActivityPatchRecurrenceType1Type0",
    "ActivityRecurrenceType1Type0",
    "ActivityType",
    "ActivityTypeListsAre",
    "ActivityWritten",
    "ActivityWrittenAttendanceType1Type0",
    "ActivityWrittenRecurrenceType1Type0",
    "Actor",
    "Advice",
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyCreateScopesItem",
    "ApiKeyPage",
    "Assessment",
    "AssessmentComparison",
    "AssessmentInput",
    "AssessmentInputPerspective",
    "AssessmentInputRatings",
    "AssessmentPage",
    "AssessmentPatch",
    "AssessmentPatchPerspective",
    "AssessmentPatchRatings",
    "AssessmentPerspective",
    "AssessmentRatings",
    "AssessmentSummary",
    "AssessmentSummaryType1Type0",
    "Attendance",
    "AuditEvent",
    "AuditEventPage",
    "Blocker",
    "CaseStudy",
    "CaseStudyCreate",
    "CaseStudyCreateKind",
    "CaseStudyPage",
    "CaseStudyPatch",
    "CaseStudyPatchSections",
    "CaseStudySections",
    "Change",
    "ChangePage",
    "ChangeRecordType0",
    "ComparedAssessment",
    "Completeness",
    "Content",
    "ContentSectionsItem",
    "ContentToolkit",
    "CreateOAuthTokenBody",
    "CreateOAuthTokenBodyGrantType",
    "Delivery",
    "DeliveryPage",
    "Dimension",
    "DimensionComparison",
    "DimensionComparisonRatings",
    "Evidence",
    "EvidenceConsent",
    "EvidenceFile",
    "EvidenceFileType1Type0",
    "EvidenceInput",
    "EvidenceInputConsent",
    "EvidenceInputPayload",
    "EvidenceInputPublicationConsent",
    "EvidenceInputVisibility",
    "EvidencePage",
    "EvidencePatch",
    "EvidencePatchConsent",
    "EvidencePatchPayload",
    "EvidencePatchPublicationConsent",
    "EvidencePatchVisibility",
    "EvidencePayload",
    "EvidencePublicationConsent",
    "EvidenceType",
    "EvidenceTypeKind",
    "EvidenceTypePayloadSchema",
    "EvidenceVisibility",
    "EvidenceWritten",
    "EvidenceWrittenConsent",
    "EvidenceWrittenFileType1Type0",
    "EvidenceWrittenPayload",
    "EvidenceWrittenPublicationConsent",
    "EvidenceWrittenVisibility",
    "FieldError",
    "FieldErrorLocation",
    "FileUpload",
    "Indicator",
    "Initiative",
    "InitiativeInput",
    "InitiativeInputStatus",
    "InitiativePage",
    "InitiativePatch",
    "InitiativePatchStatus",
    "InitiativeStatus",
    "LibraryEntry",
    "LibraryEntryPage",
    "ListAllParticipantsConsent",
    "ListAllParticipantsRole",
    "ListAssessmentsPerspective",
    "ListAuditEventsAction",
    "ListAuditEventsRecordType",
    "ListEventsRecordTypeItem",
    "ListEventsTypeItem",
    "ListEvidenceVisibility",
    "ListInitiativesStatus",
    "ListParticipantsConsent",
    "ListParticipantsRole",
    "Move",
    "NewApiKey",
    "NewOAuthClient",
    "NewWebhook",
    "OAuthClient",
    "OAuthClientCreate",
    "OAuthClientCreateScopesItem",
    "OAuthClientPage",
    "Organisation",
    "OrganisationPatch",
    "PaginationMetadata",
    "ParticipantInput",
    "ParticipantInputAgeBand",
    "ParticipantInputConsent",
    "ParticipantInputConsentGivenByType1",
    "ParticipantInputConsentGivenByType2Type1",
    "ParticipantInputConsentGivenByType3Type1",
    "ParticipantInputPublicationConsent",
    "ParticipantInputRole",
    "ParticipantPatch",
    "ParticipantPatchAgeBand",
    "ParticipantPatchConsent",
    "ParticipantPatchConsentGivenByType1",
    "ParticipantPatchConsentGivenByType2Type1",
    "ParticipantPatchConsentGivenByType3Type1",
    "ParticipantPatchPublicationConsent",
    "ParticipantPatchRole",
    "ParticipantRole",
    "Plugin",
    "PluginFailure",
    "PluginList",
    "Problem",
    "ProblemBlocker",
    "Progress",
    "ProvidingPlugin",
    "Publication",
    "Publish",
    "Published",
    "PublishedSectionsItem",
    "PublishedToolkit",
    "Recurrence",
    "RecurrenceFrequency",
    "Requirement",
    "RequirementStatus",
    "Rotate",
    "Scale",
    "ScaleBand",
    "ScaleLevel",
    "Stage",
    "StageEntry",
    "StageEntryPage",
    "Token",
    "Toolkit",
    "ToolkitCounts",
    "ToolkitList",
    "ToolkitStageFlow",
    "ToolkitSummary",
    "ToolkitSummaryStageFlow",
    "TransitionRequest",
    "Webhook",
    "WebhookCreate",
    "WebhookCreateStatus",
    "WebhookPage",
    "WebhookPatch",
    "WebhookPatchStatus",
)
