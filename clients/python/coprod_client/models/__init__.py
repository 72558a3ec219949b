"""Contains all the data models used in inputs/outputs"""

from .activity import Activity
from .activity_input import ActivityInput
from .activity_page import ActivityPage
from .activity_patch import ActivityPatch
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
from .evidence_visibility import EvidenceVisibility
from .field_error import FieldError
from .file_upload import FileUpload
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
from .participant import Participant
from .participant_consent import ParticipantConsent
from .participant_consent_given_by_type_1 import ParticipantConsentGivenByType1
from .participant_consent_given_by_type_2_type_1 import ParticipantConsentGivenByType2Type1
from .participant_consent_given_by_type_3_type_1 import ParticipantConsentGivenByType3Type1
from .participant_input import ParticipantInput
from .participant_input_consent import ParticipantInputConsent
from .participant_input_consent_given_by_type_1 import ParticipantInputConsentGivenByType1
from .participant_input_consent_given_by_type_2_type_1 import ParticipantInputConsentGivenByType2Type1
from .participant_input_consent_given_by_type_3_type_1 import ParticipantInputConsentGivenByType3Type1
from .participant_input_publication_consent import ParticipantInputPublicationConsent
from .participant_input_role import ParticipantInputRole
from .participant_page import ParticipantPage
from .participant_patch import ParticipantPatch
from .participant_patch_consent import ParticipantPatchConsent
from .participant_patch_consent_given_by_type_1 import ParticipantPatchConsentGivenByType1
from .participant_patch_consent_given_by_type_2_type_1 import ParticipantPatchConsentGivenByType2Type1
from .participant_patch_consent_given_by_type_3_type_1 import ParticipantPatchConsentGivenByType3Type1
from .participant_patch_publication_consent import ParticipantPatchPublicationConsent
from .participant_patch_role import ParticipantPatchRole
from .participant_publication_consent import ParticipantPublicationConsent
from .participant_role import ParticipantRole
from .plugin import Plugin
from .plugin_failure import PluginFailure
from .plugin_list import PluginList
from .problem import Problem
from .problem_blocker import ProblemBlocker
from .progress import Progress
from .publication import Publication
from .publish import Publish
from .published import Published
from .published_sections_item import PublishedSectionsItem
from .published_toolkit import PublishedToolkit
from .rotate import Rotate
from .stage_entry import StageEntry
from .stage_entry_page import StageEntryPage
from .subject_access import SubjectAccess
from .token import Token
from .toolkit import Toolkit
from .toolkit_activity_types_item import ToolkitActivityTypesItem
from .toolkit_counts import ToolkitCounts
from .toolkit_dimensions_item import ToolkitDimensionsItem
from .toolkit_evidence_types_item import ToolkitEvidenceTypesItem
from .toolkit_list import ToolkitList
from .toolkit_plugin import ToolkitPlugin
from .toolkit_scales_item import ToolkitScalesItem
from .toolkit_stages_item import ToolkitStagesItem
from .toolkit_summary import ToolkitSummary
from .toolkit_summary_counts import ToolkitSummaryCounts
from .toolkit_summary_plugin import ToolkitSummaryPlugin
from .transition_request import TransitionRequest
from .webhook import Webhook
from .webhook_create import WebhookCreate
from .webhook_create_status import WebhookCreateStatus
from .webhook_page import WebhookPage
from .webhook_patch import WebhookPatch
from .webhook_patch_status import WebhookPatchStatus

__all__ = (
    "Activity",
    "ActivityInput",
    "ActivityPage",
    "ActivityPatch",
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
    "EvidenceVisibility",
    "FieldError",
    "FileUpload",
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
    "Participant",
    "ParticipantConsent",
    "ParticipantConsentGivenByType1",
    "ParticipantConsentGivenByType2Type1",
    "ParticipantConsentGivenByType3Type1",
    "ParticipantInput",
    "ParticipantInputConsent",
    "ParticipantInputConsentGivenByType1",
    "ParticipantInputConsentGivenByType2Type1",
    "ParticipantInputConsentGivenByType3Type1",
    "ParticipantInputPublicationConsent",
    "ParticipantInputRole",
    "ParticipantPage",
    "ParticipantPatch",
    "ParticipantPatchConsent",
    "ParticipantPatchConsentGivenByType1",
    "ParticipantPatchConsentGivenByType2Type1",
    "ParticipantPatchConsentGivenByType3Type1",
    "ParticipantPatchPublicationConsent",
    "ParticipantPatchRole",
    "ParticipantPublicationConsent",
    "ParticipantRole",
    "Plugin",
    "PluginFailure",
    "PluginList",
    "Problem",
    "ProblemBlocker",
    "Progress",
    "Publication",
    "Publish",
    "Published",
    "PublishedSectionsItem",
    "PublishedToolkit",
    "Rotate",
    "StageEntry",
    "StageEntryPage",
    "SubjectAccess",
    "Token",
    "Toolkit",
    "ToolkitActivityTypesItem",
    "ToolkitCounts",
    "ToolkitDimensionsItem",
    "ToolkitEvidenceTypesItem",
    "ToolkitList",
    "ToolkitPlugin",
    "ToolkitScalesItem",
    "ToolkitStagesItem",
    "ToolkitSummary",
    "ToolkitSummaryCounts",
    "ToolkitSummaryPlugin",
    "TransitionRequest",
    "Webhook",
    "WebhookCreate",
    "WebhookCreateStatus",
    "WebhookPage",
    "WebhookPatch",
    "WebhookPatchStatus",
)
