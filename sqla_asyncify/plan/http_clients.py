"""HTTP test clients: which ``TestClient``s become ``httpx.AsyncClient``s, so tests run on one event loop.

``TestClient`` runs the app on its own loop in a thread; a test or fixture made async runs on
pytest-asyncio's loop, with the app's pooled connections. A client such a test uses (itself, or
through the fixtures it requests) is converted, its requests are awaited, and the functions
sending them become async in turn: an extension of the async fixpoint, run after it. A client
handed to a helper that cannot convert with it (one that also gets a client staying sync, or one
the plan does not see, or a test other tests call as a helper while pytest hands it a fixture's
client that does not convert) stays a ``TestClient`` (``kept_http_clients``, reported): a helper
half converted would call an ``httpx.AsyncClient`` synchronously.
"""

from __future__ import annotations

import builtins
from collections import deque
from collections.abc import Iterator, Mapping

from .. import sqla
from ..index import CallSite, FunctionInfo, Param
from ..names import Callee
from .fixpoint import Fixpoint
from .project import bind_arguments
from .types import ASYNC_HTTP_CLIENT, HTTP_CLIENT_CLASS, HTTP_CLIENT_KIND, Reason, Ty


#: Names a call of which does not use a client it is handed as a client (``isinstance``, ``print``).
_BUILTINS = frozenset(dir(builtins))


class HttpClients(Fixpoint):
    """``_convert_http_clients`` and the questions the ``async-http-client`` transformer asks."""

    def _convert_http_clients(self, queue: deque[str], callers: Mapping[str, list[tuple[str, int]]]) -> None:
        """``TestClient`` runs the app on its own loop (in a thread); a test or fixture made async
        runs on pytest-asyncio's session loop, with the app's pooled connections. A client such a
        test uses (itself, or through the fixtures it requests) becomes an ``httpx.AsyncClient`` on
        the app (``ASGITransport``): its requests are awaited, so every function sending them
        becomes async too, which can convert further clients — a fixpoint. Clients used only by
        sync code (an HTTP-only suite) stay."""
        if not any(target in sqla.TEST_CLIENT_CLASSES for m in self.modules.values() for _, target in m.imports):
            return  # the common case: no test client anywhere, no per-call typing to pay for
        while True:
            new = {origin for q in list(self.to_async) for origin in self._http_clients_used(self.functions[q])}
            new -= self._kept_by_helpers(new)
            new |= self._client_parameters(self.http_clients | new)
            new -= self.http_clients
            if not new:
                return
            self.http_clients |= new
            # ``self.client = client`` with ``client`` a parameter just converted: attribute types
            # worked out before it typed that parameter unknown
            self.__dict__.pop("_attr_types", None)
            for fn in self.functions.values():
                for site in fn.calls:
                    if site.in_with and self.http_client_built_with(fn.qualname, site) in new:
                        self._mark(fn, Reason("io", f"with {site.callee}()", site.line), queue)
                    elif self.classify(fn.qualname, site.callee, site.in_with).kind == "http-io":
                        self._mark(fn, Reason("io", str(site.callee), site.line), queue)
            self._spread(queue, callers)

    def http_client_built_with(self, scope: str, site: CallSite) -> str | None:
        """For ``with TestClient(app) as c`` in ``scope``: the origin of ``c``, else None."""
        if self.type_of(scope, site.callee) != HTTP_CLIENT_CLASS:
            return None
        fn = self.functions[scope]
        for b in fn.bindings:
            if b.line == site.line and b.called and b.value == site.callee:
                return f"{scope}:{b.name}"
        return None

    def _http_clients_used(self, fn: FunctionInfo) -> set[str]:
        """Origins of the ``TestClient``s ``fn`` sends requests on, or gets from its fixtures."""
        found = set()
        for site in fn.calls:
            if site.callee.path:
                ty = self.type_of(fn.qualname, site.callee.prefix(len(site.callee.path) - 1))
                if ty.kind == HTTP_CLIENT_KIND and ty.name:
                    found.add(ty.name)
        if fn.kind == "function" and self._takes_fixtures(fn):
            for fixture in self._fixture_closure(fn):
                ty = self._call_type(Ty("function", fixture), frozenset())
                if ty.kind == HTTP_CLIENT_KIND and ty.name:
                    found.add(ty.name)
        return found

    def _kept_by_helpers(self, candidates: set[str]) -> set[str]:
        """Clients (of ``candidates``) a test builds itself that must stay ``TestClient``s: handed
        to a helper whose parameter also holds a client that stays one (a test in its own right,
        with a sync fixture), or to a function the plan does not see (a module without SQLAlchemy or a
        ``TestClient`` of its own, a library): neither can convert with this caller, and would
        get an ``httpx.AsyncClient`` it calls synchronously. A ``TestClient`` works from an async
        test (it runs the app on its own loop, in a thread); half a helper would not."""
        kept: set[str] = set()
        for fn in self.functions.values():
            for site in fn.calls:
                # Only a client this function builds itself: keeping a fixture's client would keep
                # it for every test that requests it.
                handed = [
                    ty.name
                    for _, arg in site.args
                    if (ty := self.type_of(fn.qualname, arg)).kind == HTTP_CLIENT_KIND
                    and ty.name in candidates
                    and ty.name.startswith(f"{fn.qualname}:")
                ]
                if not handed:
                    continue
                target = self.classify(fn.qualname, site.callee, site.in_with)
                if target.kind != "function":
                    if target.kind == "other" and site.callee.root not in _BUILTINS:
                        for origin in handed:
                            kept.add(origin)
                            self.kept_http_clients.setdefault(
                                origin, f"it is handed to `{site.callee}`, which this tool does not see convert"
                            )
                    continue
                for callee, param, arg in self.bound_arguments(fn.qualname, site):
                    ty = self.type_of(fn.qualname, arg)
                    if ty.kind != HTTP_CLIENT_KIND or ty.name not in handed:
                        continue
                    own = self.name_type(callee.qualname, param.name)
                    fixture = self.fixture_for(callee, param.name)
                    if fixture is not None and not (own.kind == HTTP_CLIENT_KIND and own.name in self.http_clients | candidates):
                        # a test called as a helper: pytest also runs it with this fixture's value,
                        # which is not a client that converts (or not one the plan can follow)
                        kept.add(ty.name)
                        self.kept_http_clients.setdefault(
                            ty.name,
                            f"it is handed to `{callee.qualname}`, which pytest also runs with fixture "
                            f"`{fixture}` as `{param.name}`, a client that stays",
                        )
                        continue
                    if own.kind == HTTP_CLIENT_KIND and own.name and own.name not in self.http_clients | candidates:
                        kept.add(ty.name)
                        self.kept_http_clients.setdefault(
                            ty.name, f"it is handed to `{callee.qualname}`, whose `{param.name}` is also a `TestClient` that stays"
                        )
        return kept

    def _client_parameters(self, converted: set[str]) -> set[str]:
        """Parameters (origin ``function:param``) of project functions (and of the ``__init__`` a
        construction runs) that are handed a converted client: a helper ``def login(client:
        TestClient)`` called with the client of an async test receives an ``httpx.AsyncClient`` and
        converts with it (its requests are awaited), and so does ``self.client`` of an object built
        with it. Only
        parameters whose own type is not known otherwise (an annotation says ``TestClient``), and not
        a parameter pytest fills with a fixture (a test other tests also call as a helper): that
        fixture's client decides, as ``name_type`` reads it."""
        found: set[str] = set()
        for fn in self.functions.values():
            for site in fn.calls:
                for callee, param, arg in (*self.bound_arguments(fn.qualname, site), *self._init_arguments(fn.qualname, site)):
                    ty = self.type_of(fn.qualname, arg)
                    if ty.kind != HTTP_CLIENT_KIND or ty.name not in converted:
                        continue
                    if self.fixture_for(callee, param.name) is not None:
                        continue  # pytest hands it a fixture too: the fixture as written decides
                    if self.name_type(callee.qualname, param.name).kind in (HTTP_CLIENT_KIND, "unknown"):
                        found.add(f"{callee.qualname}:{param.name}")
        return found

    def _init_arguments(self, scope: str, site: CallSite) -> Iterator[tuple[FunctionInfo, Param, Callee]]:
        """For a construction of a project class (``Case(db, client)``, ``case_type(db, client)``
        with ``case_type: type[Case]``): each plain-name argument with the ``__init__`` parameter it
        binds, so a client handed to a constructor and kept in ``self.client`` converts with it."""
        if not site.args or site.callee.calls:
            return
        ty = self.type_of(scope, site.callee)
        init = self._find_method(ty.name, "__init__") if ty.kind == "class" and ty.name in self.classes else None
        info = self.functions.get(init) if init is not None else None
        if info is None or info.kind != "function" or not info.params or info.params[0].name != "self":
            return
        for param, arg in bind_arguments(info.params[1:], site.args):
            yield info, param, arg

    def is_http_client(self, scope: str, callee: Callee) -> bool:
        """Whether ``callee`` (not called) is an HTTP client whose requests are awaited after the rewrite."""
        ty = self.type_of(scope, callee)
        return ty == ASYNC_HTTP_CLIENT or (ty.kind == HTTP_CLIENT_KIND and ty.name in self.http_clients)
