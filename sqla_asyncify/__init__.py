"""sqla-asyncify: migrate synchronous SQLAlchemy code to async SQLAlchemy 2.x, exactly."""

__version__ = "0.1.0"
