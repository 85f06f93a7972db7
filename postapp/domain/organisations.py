"""Organisations the post works with, and the IMVO sector agreements (convenanten) they join."""

import enum
from decimal import Decimal

from sqlalchemy import Boolean, Column, Enum, ForeignKey, Integer, Numeric, String, Table, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from postapp.domain.base import Base, SyncedMixin
from postapp.i18n import N_

# The government's 90% target: >= 500 employees and (> EUR 20M assets or > EUR 40M turnover).
TARGET_MIN_EMPLOYEES = 500
TARGET_MIN_ASSETS_EUR = Decimal(20_000_000)
TARGET_MIN_TURNOVER_EUR = Decimal(40_000_000)


class OrganisationKind(enum.StrEnum):
    COMPANY = "company"
    NGO = "ngo"
    TRADE_UNION = "trade_union"
    AUTHORITY = "authority"
    BUSINESS_ASSOCIATION = "business_association"
    KNOWLEDGE_INSTITUTE = "knowledge_institute"
    INTERNATIONAL_ORGANISATION = "international_organisation"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    OrganisationKind.COMPANY: N_("Company"),
    OrganisationKind.NGO: N_("NGO"),
    OrganisationKind.TRADE_UNION: N_("Trade union"),
    OrganisationKind.AUTHORITY: N_("Authority"),
    OrganisationKind.BUSINESS_ASSOCIATION: N_("Business association"),
    OrganisationKind.KNOWLEDGE_INSTITUTE: N_("Knowledge institute"),
    OrganisationKind.INTERNATIONAL_ORGANISATION: N_("International organisation"),
}

organisation_agreement = Table(
    "organisation_agreement",
    Base.metadata,
    Column("organisation_id", Uuid, ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column("agreement_id", Uuid, ForeignKey("sector_agreement.id", ondelete="CASCADE"), primary_key=True),
)


class SectorAgreement(Base, SyncedMixin):
    """An IMVO sector agreement (convenant), e.g. textiles and clothing, banking, metals."""

    __tablename__ = "sector_agreement"

    name: Mapped[str] = mapped_column(String(200), unique=True)


class Organisation(Base, SyncedMixin):
    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[OrganisationKind] = mapped_column(
        Enum(OrganisationKind, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])
    )
    sector: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="")  # ISO 3166-1 alpha-2
    employees: Mapped[int | None] = mapped_column(Integer, default=None)
    turnover_eur: Mapped[Decimal | None] = mapped_column(Numeric(18, 2), default=None)
    assets_eur: Mapped[Decimal | None] = mapped_column(Numeric(18, 2), default=None)
    dutch_affiliated: Mapped[bool] = mapped_column(Boolean, default=False)
    website: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    agreements: Mapped[list[SectorAgreement]] = relationship(secondary=organisation_agreement)

    @property
    def in_target_group(self) -> bool:
        """Whether the company falls in the size criterion of the government's 90% target."""
        if self.kind != OrganisationKind.COMPANY or self.employees is None:
            return False
        if self.employees < TARGET_MIN_EMPLOYEES:
            return False
        assets_ok = self.assets_eur is not None and self.assets_eur > TARGET_MIN_ASSETS_EUR
        turnover_ok = self.turnover_eur is not None and self.turnover_eur > TARGET_MIN_TURNOVER_EUR
        return assets_ok or turnover_ok
