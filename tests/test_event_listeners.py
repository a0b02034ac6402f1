"""Event listeners are held sync, and what they call with them: SQLAlchemy calls a listener
synchronously (with the sync session or connection, inside the async session's greenlet), so a
callee made async would hand the listener a coroutine it drops. Both registration forms."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

MODELS = textwrap.dedent(
    """\
    from sqlalchemy import ForeignKey
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class Order(Base):
        __tablename__ = "orders"
        id: Mapped[int] = mapped_column(primary_key=True)
        total: Mapped[int]


    class Line(Base):
        __tablename__ = "lines"
        id: Mapped[int] = mapped_column(primary_key=True)
        order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
        amount: Mapped[int]
    """
)

TOTALS = textwrap.dedent(
    """\
    from sqlalchemy.orm import Session

    from .models import Line, Order


    def add_to_total(session: Session, line: Line) -> None:
        order = session.get(Order, line.order_id)
        order.total += line.amount


    def recount(db: Session, line_id: int) -> None:
        add_to_total(db, db.get(Line, line_id))
        db.commit()
    """
)

DECORATED = textwrap.dedent(
    """\
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from .models import Line
    from .totals import add_to_total


    @event.listens_for(Line, "after_insert")
    def on_line(_mapper, connection, target: Line) -> None:
        session = Session(bind=connection)
        add_to_total(session, target)
        session.flush()
    """
)

CALLED = textwrap.dedent(
    """\
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from .models import Line
    from . import totals


    def on_line(_mapper, connection, target: Line) -> None:
        session = Session(bind=connection)
        totals.add_to_total(session, target)
        session.flush()


    event.listen(Line, "after_insert", on_line)
    """
)


def _run(listeners: str, tmp_path: Path) -> dict[str, str]:
    files = {"app/__init__.py": b"", "app/models.py": MODELS.encode(), "app/totals.py": TOTALS.encode(), "app/listeners.py": listeners.encode()}
    out, _ = migrate(files, tmp_path / "run")
    return {name: data.decode() for name, data in out.items()}


def test_a_decorated_listener_and_its_callee_stay_sync(tmp_path: Path) -> None:
    out = _run(DECORATED, tmp_path)
    assert out["app/listeners.py"] == DECORATED
    assert "\ndef add_to_total(session: Session, line: Line) -> None:\n" in out["app/totals.py"]
    # An async caller reaches the held callee through the session's greenlet.
    assert "    await db.run_sync(add_to_total, await db.get(Line, line_id))\n" in out["app/totals.py"]


def test_a_listener_registered_by_a_call_stays_sync_with_its_callee(tmp_path: Path) -> None:
    out = _run(CALLED, tmp_path)
    assert out["app/listeners.py"] == CALLED
    assert "\ndef add_to_total(session: Session, line: Line) -> None:\n" in out["app/totals.py"]
