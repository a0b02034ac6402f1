"""The knowledge tables in ``sqla_asyncify.sqla`` agree with the installed SQLAlchemy."""

from __future__ import annotations

import inspect

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from sqla_asyncify import sqla


@pytest.mark.parametrize("method", sorted(sqla.AWAITED_SESSION_METHODS - {"exec"}))
def test_awaited_session_methods_are_coroutines(method: str) -> None:
    if not hasattr(AsyncSession, method):
        pytest.skip(f"AsyncSession.{method} is not in this SQLAlchemy version")
    assert inspect.iscoroutinefunction(getattr(AsyncSession, method))


@pytest.mark.parametrize("method", sorted(sqla.SYNC_SESSION_METHODS))
def test_sync_session_methods_are_not_coroutines(method: str) -> None:
    assert hasattr(AsyncSession, method)
    assert not inspect.iscoroutinefunction(getattr(AsyncSession, method))


def test_every_coroutine_method_of_async_session_is_known() -> None:
    coroutines = {
        name
        for name, value in inspect.getmembers(AsyncSession)
        if inspect.iscoroutinefunction(value) and not name.startswith("_")
    }
    # ``close_all`` is a deprecated classmethod; the 2.1 ``*_all`` bulk methods are not legacy API.
    assert coroutines - sqla.AWAITED_SESSION_METHODS <= {"close_all", "delete_all", "merge_all"}


def test_async_session_has_no_query() -> None:
    assert not hasattr(AsyncSession, sqla.LEGACY_QUERY_METHOD)
