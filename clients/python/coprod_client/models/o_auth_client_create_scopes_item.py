from enum import StrEnum


class OAuthClientCreateScopesItem(StrEnum):
    ADMIN = "admin"
    AUDITREAD = "audit:read"
    CLIENTSMANAGE = "clients:manage"
    FEEDREAD = "feed:read"
    KEYSMANAGE = "keys:manage"
    ORGANISATIONMANAGE = "organisation:manage"
    PRIVACYMANAGE = "privacy:manage"
    READ = "read"
    RECORDSREAD = "records:read"
    RECORDSWRITE = "records:write"
    WEBHOOKSMANAGE = "webhooks:manage"
    WRITE = "write"

    def __str__(self) -> str:
        return str(self.value)
