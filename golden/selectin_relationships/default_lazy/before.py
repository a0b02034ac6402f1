from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, backref, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Default lazy loading: raises MissingGreenlet under asyncio.
    members: Mapped[list["Member"]] = relationship(back_populates="team")
    archived = relationship("Member", lazy="select", viewonly=True)
    leaders = relationship("Member", lazy="joined", viewonly=True)
    history = relationship("Member", lazy="dynamic", viewonly=True)


class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    team: Mapped[Team] = relationship(
        back_populates="members",
    )
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    mentor = relationship("Member", remote_side=[id], backref=backref("mentees"))


class NotSqlalchemy:
    def relationship(self, *args):
        return args

    friends = relationship  # a name, not a call: untouched


def related(obj) -> list:
    # ``obj`` comes from nowhere the plan can see: every relationship of these names may be read
    # here, on any object, so each is loaded with its parent (the fallback).
    return [obj.members, obj.archived, obj.team, obj.mentor, obj.mentees]
