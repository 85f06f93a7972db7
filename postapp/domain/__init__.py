"""The post's records as SQLAlchemy models; importing this package registers every table on ``Base``."""

from postapp.coretasks import CoreTask
from postapp.domain.activities import Activity, ActivityKind, FollowUp
from postapp.domain.base import Base
from postapp.domain.organisations import Organisation, OrganisationKind, SectorAgreement
from postapp.domain.persons import Person, Tag

__all__ = [
    "Activity",
    "ActivityKind",
    "Base",
    "CoreTask",
    "FollowUp",
    "Organisation",
    "OrganisationKind",
    "Person",
    "SectorAgreement",
    "Tag",
]
