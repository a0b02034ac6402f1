"""``with client:`` on a ``TestClient`` that became an ``httpx.AsyncClient``: the app's lifespan.

Entering a ``TestClient`` already built (``with client:``, ``with client as c:``) runs the app's
lifespan: startup on entry, shutdown when the block ends; the client stays open and can be entered
again (``TestClient.__exit__`` closes only the lifespan's portal). An ``httpx.AsyncClient`` does
neither: ``ASGITransport`` never runs the lifespan, and ``async with client:`` closes the client for
good at the end of the block, so a second block, or a request after it, raises. ``async-http-client``
writes ``async with _app_lifespan(client):`` there; the helper, written once into the module (after
its imports), runs the lifespan of the app the client's transport drives and yields the client.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from .module_helpers import queue_helper

#: The helper's name in the user's module.
HELPER = "_app_lifespan"

HELPER_SOURCE = (
    "@asynccontextmanager\n"
    f"async def {HELPER}(client: httpx.AsyncClient):\n"
    '    """`with client:` on the TestClient this AsyncClient replaced: the app\'s lifespan\n'
    "    (startup, then shutdown at the end of the block), the client left open as TestClient\n"
    "    left it (`async with client:` would close it for good). Added by asyncify.\n"
    '    """\n'
    "    app = client._transport.app\n"
    "    async with app.router.lifespan_context(app):\n"
    "        yield client\n"
)


def app_lifespan(context: CodemodContext, client: cst.BaseExpression) -> cst.Call:
    """``_app_lifespan(client)``; the helper (and its imports) is added to the module when the
    rewrite ends."""
    queue_helper(context, HELPER, HELPER_SOURCE)
    AddImportsVisitor.add_needed_import(context, "contextlib", "asynccontextmanager")
    AddImportsVisitor.add_needed_import(context, "httpx")
    return cst.Call(func=cst.Name(HELPER), args=[cst.Arg(client)])

