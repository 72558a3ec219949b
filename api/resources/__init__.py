"""The API's blueprints, one module per resource."""

from api.resources.activities import blueprint as activities
from api.resources.assessments import blueprint as assessments
from api.resources.audit import blueprint as audit
from api.resources.bulk import blueprint as bulk
from api.resources.case_studies import blueprint as case_studies
from api.resources.changes import blueprint as changes
from api.resources.evidence import blueprint as evidence
from api.resources.initiatives import blueprint as initiatives
from api.resources.library import blueprint as library
from api.resources.oauth import blueprint as oauth
from api.resources.organisation import blueprint as organisation
from api.resources.participants import blueprint as participants
from api.resources.privacy import blueprint as privacy
from api.resources.toolkits import blueprint as toolkits
from api.resources.webhooks import blueprint as webhooks

BLUEPRINTS = [
    toolkits,
    organisation,
    oauth,
    initiatives,
    participants,
    activities,
    evidence,
    assessments,
    case_studies,
    library,
    privacy,
    audit,
    changes,
    bulk,
    webhooks,
]
