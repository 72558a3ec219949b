"""The application API of coprod: storage and the services that run initiatives.

The HTTP API (``api/``) and the command line use these names; plugins never do (they see
only ``toolkits_core``'s own exports, and never touch storage). Service functions take a
``Workspace`` (a session, the caller's organisation, the plugin host and the file store)
and raise ``ServiceError`` subclasses that say which HTTP status fits.
"""

from toolkits_core._services.access import (
    Caller,
    NewKey,
    Scope,
    authenticate,
    create_key,
    create_organisation,
    find_key,
    get_organisation,
    list_keys,
    list_organisations,
    parse_scopes,
    revoke_key,
)
from toolkits_core._services.errors import (
    AuthenticationError,
    ConflictError,
    FieldProblem,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
    ServiceError,
    refuse,
)
from toolkits_core._services.files import (
    DEFAULT_FILES_DIR,
    FILES_DIR_VARIABLE,
    FileStore,
    FileTooLargeError,
    LocalFileStore,
    StoredFile,
)
from toolkits_core._services.initiatives import (
    InitiativeStatus,
    create_initiative,
    delete_initiative,
    ensure_external_ref_free,
    get_initiative,
    list_initiatives,
    update_initiative,
    writable_initiative,
)
from toolkits_core._services.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from toolkits_core._services.progress import (
    Progress,
    get_progress,
    list_stage_entries,
    transition,
)
from toolkits_core._services.views import initiative_view, pinned_toolkit
from toolkits_core._services.workspace import (
    Workspace,
    apply_changes,
    as_utc,
    check_if_match,
    etag_of,
)
from toolkits_core._store.database import (
    DATABASE_URL_VARIABLE,
    DEFAULT_DATABASE_URL,
    Database,
    SchemaNotCurrentError,
    database_url,
)
from toolkits_core._store.models import (
    Activity,
    ApiKey,
    Assessment,
    Evidence,
    Initiative,
    Organisation,
    Participant,
    StageEntry,
)

__all__ = [
    "DATABASE_URL_VARIABLE",
    "DEFAULT_DATABASE_URL",
    "DEFAULT_FILES_DIR",
    "DEFAULT_LIMIT",
    "FILES_DIR_VARIABLE",
    "MAX_LIMIT",
    "Activity",
    "ApiKey",
    "Assessment",
    "AuthenticationError",
    "Caller",
    "ConflictError",
    "Database",
    "Evidence",
    "FieldProblem",
    "FileStore",
    "FileTooLargeError",
    "Initiative",
    "InitiativeStatus",
    "InvalidRequestError",
    "LocalFileStore",
    "NewKey",
    "NotFoundError",
    "Organisation",
    "Page",
    "Participant",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "Progress",
    "SchemaNotCurrentError",
    "Scope",
    "ServiceError",
    "StageEntry",
    "StoredFile",
    "Workspace",
    "apply_changes",
    "as_utc",
    "authenticate",
    "check_if_match",
    "create_initiative",
    "create_key",
    "create_organisation",
    "database_url",
    "delete_initiative",
    "ensure_external_ref_free",
    "etag_of",
    "find_key",
    "get_initiative",
    "get_organisation",
    "get_progress",
    "initiative_view",
    "list_initiatives",
    "list_keys",
    "list_organisations",
    "list_stage_entries",
    "parse_scopes",
    "pinned_toolkit",
    "refuse",
    "revoke_key",
    "transition",
    "update_initiative",
    "writable_initiative",
]
