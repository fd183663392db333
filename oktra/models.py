"""Every table of OKTRA, imported once so that metadata, migrations and the registry see all."""

from sqlmodel import SQLModel

from oktra.accounts import models as accounts_models
from oktra.admin import anomaly_models
from oktra.admin import models as admin_models
from oktra.alerts import models as alerts_models
from oktra.billing import models as billing_models
from oktra.core import models as core_models
from oktra.notifications import models as notifications_models
from oktra.privacy import models as privacy_models
from oktra.privacy import rights_models
from oktra.tenders import models as tenders_models

METADATA = SQLModel.metadata

__all__ = [
    "METADATA",
    "accounts_models",
    "admin_models",
    "alerts_models",
    "anomaly_models",
    "billing_models",
    "core_models",
    "notifications_models",
    "privacy_models",
    "rights_models",
    "tenders_models",
]
