"""One event loop for tests that use the database *and* talk HTTP: ``TestClient`` → ``httpx.AsyncClient``.

``TestClient`` runs the app on an event loop of its own, in a thread. Once the tests and fixtures
that use a session are coroutines, they run on pytest-asyncio's loop while the app, reached through
a ``TestClient``, runs on another: the module-level async engine's pooled connections then cross
loops ("Future attached to a different loop", hangs; aiosqlite happens to tolerate it, asyncpg and
others do not). **Loop strategy chosen: one session loop.** Every migrated test and fixture runs on
pytest-asyncio's session loop (``loop_scope="session"``, written by ``async-tests``), and the app is
driven on that same loop through ``httpx.ASGITransport``; no ``NullPool`` engine is introduced.

The plan decides which clients convert (``Plan.http_clients``): a ``TestClient`` built in a fixture,
a module-level name or a local, that a test or fixture made async uses — directly, or through the
fixtures it requests. Requests on a converted client (``get``/``post``/``put``/``patch``/``delete``/
``head``/``options``/``request``/``send``) are awaited by ``add-awaits``, and every function sending
them becomes async (the plan spreads it). A client used only by sync tests (an HTTP-only suite)
stays a ``TestClient``. This transformer rewrites the construction:

* ``TestClient(app, ...)`` → ``httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
  base_url="http://testserver", follow_redirects=True)`` (TestClient's defaults; ``base_url``,
  ``headers``, ``cookies``, ``follow_redirects`` carry over, ``raise_server_exceptions`` /
  ``root_path`` / ``client`` go to the transport, ``backend``/``backend_options`` are dropped);
* ``with TestClient(app) as c:`` (which runs the app's lifespan) → ``async with
  app.router.lifespan_context(app), httpx.AsyncClient(...) as c:`` — ``ASGITransport`` does not
  run the lifespan itself;
* ``with client:`` (``as c``) on a converted client built elsewhere → ``async with
  _app_lifespan(client):`` (``app_lifespan.py``): the lifespan around the block, the client left
  open (``async with client:`` would close it for good, where a ``TestClient`` can be re-entered).

Reported (``async-http-client``): a converted client's ``websocket_connect``/``stream`` (no
drop-in ``AsyncClient`` equivalent), an argument with no ``AsyncClient`` counterpart, a ``with``
mixing the client with other context managers (or entering one in code that stays sync), and requests from code made async on a
``TestClient`` built where it cannot be rewritten (``self.client = TestClient(app)`` in
``setUp``, ``TestClient(app).get(...)`` inline). Not handled: a helper taking the client as an
untyped parameter (``def login(client): client.post(...)``) is not typed as a client, so it is
neither awaited nor reported; lifespan *state* (``yield {"x": ...}``) is not passed by
``ASGITransport``.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider

from .. import sqla
from ..names import Callee
from ..plan import Plan
from ..plan.types import HTTP_CLIENT_KIND
from .app_lifespan import app_lifespan
from .base import AsyncifyCodemod, keyword_arg

#: TestClient keyword → (where it goes, its name there); ``None``: dropped (loop selection only).
_KEYWORDS: dict[str, tuple[str, str] | None] = {
    "base_url": ("client", "base_url"),
    "headers": ("client", "headers"),
    "cookies": ("client", "cookies"),
    "follow_redirects": ("client", "follow_redirects"),
    "raise_server_exceptions": ("transport", "raise_app_exceptions"),
    "root_path": ("transport", "root_path"),
    "client": ("transport", "client"),
    "backend": None,
    "backend_options": None,
}
#: Methods of a TestClient that an AsyncClient lacks or runs differently.
_UNSUPPORTED = {
    "websocket_connect": "websockets are not supported by httpx.ASGITransport",
    "stream": "`AsyncClient.stream` is an async context manager yielding a response read with `aiter_*`",
}
_ASGI_APP = "asgi_app"


class AsyncHttpClient(AsyncifyCodemod):
    DESCRIPTION = "Drive the app with httpx.AsyncClient(ASGITransport) where tests using it become async (one loop)."
    METADATA_DEPENDENCIES = (*AsyncifyCodemod.METADATA_DEPENDENCIES, QualifiedNameProvider)
    TRIGGERS = ("TestClient",)

    @classmethod
    def triggered(cls, plan: Plan, module_name: str, source: str) -> bool:
        # a client built elsewhere (a fixture's) can be entered here: ``with client:``
        return "TestClient" in source or (bool(plan.http_clients) and "with " in source)

    def _names(self, node: cst.CSTNode) -> set[str]:
        return self.qualified_names(node)

    def _is_test_client(self, node: cst.Call) -> bool:
        return bool(self._names(node.func) & sqla.TEST_CLIENT_CLASSES)

    # -- which construction is converted ---------------------------------------------------------
    def _origin(self, node: cst.Call) -> tuple[str, cst.WithItem | None] | None:
        """The plan's name for the client ``node`` builds, and its ``with`` item if it is one."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        scope = self.context_qualname
        if isinstance(parent, cst.WithItem):
            if parent.asname is not None and isinstance(parent.asname.name, cst.Name):
                return f"{scope}:{parent.asname.name.value}", parent
            return None
        if isinstance(parent, (cst.Return, cst.Yield)):
            return f"{scope}:<return>", None
        if (
            isinstance(parent, cst.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
        ):
            return f"{scope}:{parent.targets[0].target.value}", None
        if isinstance(parent, cst.AnnAssign) and isinstance(parent.target, cst.Name):
            return f"{scope}:{parent.target.value}", None
        return None

    def _converted(self, node: cst.Call) -> cst.WithItem | bool:
        """False, True, or the ``with`` item, for a ``TestClient(...)`` the plan converts here."""
        if not self._is_test_client(node):
            return False
        found = self._origin(node)
        if found is None or found[0] not in self.plan.http_clients:
            return False
        origin, item = found
        if item is not None and not self.in_async_context():
            return False  # the plan reported why this code cannot become async
        return item if item is not None else True

    # -- rewriting -------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        #: ``with`` items converted in this module → the app expression for the lifespan.
        self._lifespans: dict[cst.WithItem, cst.BaseExpression] = {}

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        self._check_unsupported(original_node)
        converted = self._converted(original_node)
        if converted is False:
            return updated_node
        positional = [a for a in updated_node.args if a.keyword is None and not a.star]
        app_arg = (
            positional[0].value
            if positional
            else next((a.value for a in updated_node.args if a.keyword is not None and a.keyword.value == "app"), None)
        )
        if app_arg is None:
            self.report(
                original_node, "a `TestClient` whose app is not a plain argument", "build it as `TestClient(app)`"
            )
            return updated_node
        app = app_arg
        if isinstance(converted, cst.WithItem):
            if not isinstance(app_arg, (cst.Name, cst.Attribute)):  # evaluated once, used twice
                app = cst.Name(_ASGI_APP)
                self._lifespans[converted] = cst.NamedExpr(
                    cst.Name(_ASGI_APP), app_arg, lpar=[cst.LeftParen()], rpar=[cst.RightParen()]
                )
            else:
                self._lifespans[converted] = app_arg
        transport: list[cst.Arg] = [keyword_arg("app", app)]
        client: dict[str, cst.Arg] = {"base_url": keyword_arg("base_url", cst.SimpleString('"http://testserver"'))}
        first = positional[0] if positional else None
        for arg in updated_node.args:
            if arg is first or (arg.keyword is not None and arg.keyword.value == "app"):
                continue
            if arg.keyword is None or arg.star:
                self.report(
                    original_node,
                    "a `TestClient` argument with no `httpx.AsyncClient` counterpart was dropped",
                    "pass it by keyword",
                )
                continue
            where = _KEYWORDS.get(arg.keyword.value, ("unknown", ""))
            if where is None:
                continue
            if where[0] == "unknown":
                self.report(
                    original_node,
                    f"`TestClient(..., {arg.keyword.value}=...)` has no `httpx.AsyncClient` counterpart: dropped",
                    "configure it on the `httpx.AsyncClient` or `httpx.ASGITransport` by hand",
                )
                continue
            target = keyword_arg(where[1], arg.value)
            if where[0] == "transport":
                transport.append(target)
            else:
                client[where[1]] = target
        client.setdefault("follow_redirects", keyword_arg("follow_redirects", cst.Name("True")))
        AddImportsVisitor.add_needed_import(self.context, "httpx")
        local = original_node.func.value if isinstance(original_node.func, cst.Name) else None
        for qualname in self._names(original_node.func) & sqla.TEST_CLIENT_CLASSES:
            module, _, name = qualname.rpartition(".")
            RemoveImportsVisitor.remove_unused_import(self.context, module, name, local if local != name else None)
        self.changed = True
        return cst.Call(
            func=cst.Attribute(cst.Name("httpx"), cst.Name("AsyncClient")),
            args=[
                keyword_arg("transport", cst.Call(cst.Attribute(cst.Name("httpx"), cst.Name("ASGITransport")), args=transport)),
                *client.values(),
            ],
            lpar=updated_node.lpar,
            rpar=updated_node.rpar,
        )

    def leave_WithItem(self, original_node: cst.WithItem, updated_node: cst.WithItem) -> cst.WithItem:
        if original_node in self._lifespans:
            self._lifespans[updated_node] = self._lifespans.pop(original_node)
        return updated_node

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.BaseStatement:
        converted = [item for item in updated_node.items if item in self._lifespans]
        if any(self._entered_client(item) for item in original_node.items):
            return self._entered(original_node, updated_node, converted)
        if not converted:
            return updated_node
        if len(updated_node.items) != len(converted) or original_node.asynchronous is not None:
            self.report(
                original_node,
                "`with` holds the converted HTTP client and other context managers: the client's lifespan was not added",
                "nest them: `async with app.router.lifespan_context(app), httpx.AsyncClient(...) as client:` "
                "with the other items inside",
            )
            return updated_node
        items: list[cst.WithItem] = []
        for item in updated_node.items:
            app = self._lifespans.pop(item)
            app_ref = cst.Name(_ASGI_APP) if isinstance(app, cst.NamedExpr) else app
            lifespan = cst.Call(
                cst.Attribute(cst.Attribute(app, cst.Name("router")), cst.Name("lifespan_context")),
                args=[cst.Arg(app_ref)],
            )
            items.append(cst.WithItem(lifespan, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))))
            items.append(item)
        return updated_node.with_changes(
            items=items, asynchronous=cst.Asynchronous(whitespace_after=cst.SimpleWhitespace(" "))
        )

    def _entered_client(self, item: cst.WithItem) -> bool:
        """Whether ``item`` enters a client the plan converts that is already built (``with client:``)."""
        if not isinstance(item.item, (cst.Name, cst.Attribute)):
            return False
        callee = Callee.of(item.item)
        if callee is None:
            return False
        ty = self.plan.type_of(self.context_qualname, callee)
        return ty.kind == HTTP_CLIENT_KIND and ty.name in self.plan.http_clients

    def _entered(self, original_node: cst.With, updated_node: cst.With, converted: list[cst.WithItem]) -> cst.With:
        """``with client:`` → ``async with _app_lifespan(client):``: TestClient ran the app's
        lifespan around the block and stayed open; ``async with client:`` would run no lifespan and
        close the client for good (a second block, a request after it, raise)."""
        for item in converted:
            self._lifespans.pop(item)
        if len(updated_node.items) != 1 or original_node.asynchronous is not None:
            self.report(
                original_node,
                "`with` enters the HTTP client converted to `httpx.AsyncClient` together with other context "
                "managers: left as is (TestClient ran the app's lifespan around the block)",
                "enter the client in a `with` of its own and migrate again, or write "
                "`async with app.router.lifespan_context(app):` around the block",
            )
            return updated_node
        if not self.in_async_context():
            self.report(
                original_node,
                "`with` enters the HTTP client converted to `httpx.AsyncClient` in code that stays sync: left as is",
                "make this function async (`async with app.router.lifespan_context(app):` around the block) "
                "or keep its client a `TestClient`",
            )
            return updated_node
        (item,) = updated_node.items
        self.changed = True
        return updated_node.with_changes(
            items=[item.with_changes(item=app_lifespan(self.context, item.item))],
            asynchronous=cst.Asynchronous(whitespace_after=cst.SimpleWhitespace(" ")),
        )

    # -- what an AsyncClient does not do the same way -----------------------------------------------
    def _check_unsupported(self, node: cst.Call) -> None:
        callee = Callee.of(node.func)
        if callee is None or not callee.path:
            return
        receiver = callee.prefix(len(callee.path) - 1)
        if callee.path[-1] in sqla.HTTP_REQUEST_METHODS and self.plan.becomes_async(self.context_qualname):
            ty = self.plan.type_of(self.context_qualname, receiver)
            if ty.kind == "http-client" and ty.name in self.plan.kept_http_clients:
                self.report(
                    node,
                    f"`{receiver}` stays a `TestClient` in code that becomes async "
                    f"({self.plan.kept_http_clients[ty.name]}): the app runs on the client's event loop, "
                    "in a thread, the test on pytest-asyncio's",
                    "fine on SQLite; with a driver whose connections belong to one loop (asyncpg), convert "
                    "the helper with it by hand (`async def`, awaited requests) and the client to "
                    "`httpx.AsyncClient(transport=httpx.ASGITransport(app=app))`",
                )
            elif ty.kind == "http-client" and ty.name not in self.plan.http_clients:
                self.report(
                    node,
                    f"`{receiver}` is a `TestClient` (built where this tool cannot rewrite it) used by code that becomes "
                    "async: the app runs on the client's event loop, the test on pytest-asyncio's",
                    "build it in a fixture or a module-level name (`client = TestClient(app)`), which asyncify converts "
                    "to `httpx.AsyncClient(transport=httpx.ASGITransport(app=app))`, or do it by hand and await its requests",
                )
            return
        if callee.path[-1] not in _UNSUPPORTED:
            return
        if self.plan.is_http_client(self.context_qualname, receiver):
            self.report(
                node,
                f"`{callee}(...)` on a test client converted to `httpx.AsyncClient`: {_UNSUPPORTED[callee.path[-1]]}",
                "keep this test on a sync `TestClient` of its own (without the async `db` fixture), or rewrite it",
            )
