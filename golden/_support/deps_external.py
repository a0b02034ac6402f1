"""A stand-in for a third-party dependency provider imported by golden cases (never called)."""


def get_session():  # pragma: no cover - only referenced in Depends(...)
    raise NotImplementedError
