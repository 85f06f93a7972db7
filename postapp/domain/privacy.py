"""What the post keeps about its handling of personal data: erasures, without the data erased.

An erasure must be provable (GDPR art. 5(2), accountability) yet the entry may not hold what was
erased, so it names the record by its id only, with when, why and by whom.
"""

import datetime as dt
import uuid

from sqlalchemy import Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from postapp.domain.base import Base, UTCDateTime, utcnow


class ErasureEntry(Base):
    __tablename__ = "erasure_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    erased_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    record_kind: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    reason: Mapped[str] = mapped_column(Text, default="")
    erased_by: Mapped[str] = mapped_column(String(200), default="")
    # How many linked records (activities, event places, cases) were kept, unlinked from the person.
    links_removed: Mapped[int] = mapped_column(Integer, default=0)
