import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.add_column("users", sa.Column("nick", sa.String(50)))
    session = Session(bind=op.get_bind())
    session.execute(sa.text("UPDATE users SET nick = name"))
    session.commit()


def downgrade() -> None:
    op.drop_column("users", "nick")
