"""Example shop application (synchronous SQLAlchemy) used as asyncify's migration sample."""
