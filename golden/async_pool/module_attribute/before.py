import sqlalchemy as sa

engine = sa.create_engine("sqlite:///app.db", poolclass=sa.pool.QueuePool, pool_size=2)
