"""The API's blueprints, one module per resource."""

from api.resources.initiatives import blueprint as initiatives
from api.resources.organisation import blueprint as organisation
from api.resources.toolkits import blueprint as toolkits

BLUEPRINTS = [toolkits, organisation, initiatives]
