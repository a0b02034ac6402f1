"""The payoff app: a small API on synchronous SQLAlchemy, the ONE source of the three bench variants."""
