"""The post's records as SQLAlchemy models; importing this package registers every table on ``Base``."""

from postapp.coretasks import CoreTask
from postapp.domain.activities import Activity, ActivityKind, FollowUp
from postapp.domain.agenda import AgendaEntry, AgendaTopic, Counterpart
from postapp.domain.base import Base
from postapp.domain.cases import CaseStatus, ReferralTarget, SupportCase
from postapp.domain.events import Event, EventFormat, EventParticipant, ParticipantStatus
from postapp.domain.expertise import KnowledgeNote, RiskAnnotation
from postapp.domain.organisations import Organisation, OrganisationKind, SectorAgreement
from postapp.domain.persons import Gender, LawfulBasis, Person, Tag
from postapp.domain.privacy import ErasureEntry

__all__ = [
    "Activity",
    "ActivityKind",
    "AgendaEntry",
    "AgendaTopic",
    "Base",
    "CaseStatus",
    "CoreTask",
    "Counterpart",
    "ErasureEntry",
    "Event",
    "EventFormat",
    "EventParticipant",
    "FollowUp",
    "Gender",
    "KnowledgeNote",
    "LawfulBasis",
    "Organisation",
    "OrganisationKind",
    "ParticipantStatus",
    "Person",
    "ReferralTarget",
    "RiskAnnotation",
    "SectorAgreement",
    "SupportCase",
    "Tag",
]
