"""Blocking calls left in functions the migration makes async: reported, never rewritten.

A sync FastAPI route runs in a worker thread: a slow call there (a password hash, an HTTP request
with ``requests``, a subprocess) holds one thread. Once the route is ``async def`` the same call
runs on the event loop and holds every request the process is serving. The call itself is still
correct, so it is left as written and reported (``blocking-call``) where the function it is in
becomes async, with the fix: ``await asyncio.to_thread(f, *args)`` (or the library's async client).

Known blocking calls are listed by qualified name (``BLOCKING``): what cannot be resolved
(``pwd_context.hash(...)`` on an instance) is not found. ``time.sleep`` is rewritten by
``async-sleep``; functions that were already ``async def`` are not the migration's doing.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from .base import AsyncifyCodemod

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

#: Qualified name → what it blocks on.
BLOCKING: dict[str, str] = {
    **{f"requests.{verb}": "an HTTP request" for verb in _HTTP_VERBS},
    **{f"httpx.{verb}": "an HTTP request" for verb in _HTTP_VERBS},
    "urllib.request.urlopen": "an HTTP request",
    "subprocess.run": "a subprocess",
    "subprocess.call": "a subprocess",
    "subprocess.check_call": "a subprocess",
    "subprocess.check_output": "a subprocess",
    "os.system": "a subprocess",
    "smtplib.SMTP": "an SMTP connection",
    "smtplib.SMTP_SSL": "an SMTP connection",
    "socket.create_connection": "a network connection",
    "hashlib.pbkdf2_hmac": "a deliberately slow hash",
    "hashlib.scrypt": "a deliberately slow hash",
    "bcrypt.hashpw": "a deliberately slow hash",
    "bcrypt.checkpw": "a deliberately slow hash",
}


_NAMES = frozenset(BLOCKING)


class BlockingCalls(AsyncifyCodemod):
    DESCRIPTION = "Report blocking calls in functions made async (they would stall the event loop)."
    TRIGGERS = ("requests", "httpx", "urlopen", "subprocess", "system", "smtplib", "socket", "hashlib", "bcrypt")
    PLAN_DRIVEN = True
    METADATA_DEPENDENCIES = (*AsyncifyCodemod.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def visit_Call(self, node: cst.Call) -> None:
        if self.scope_kind != "function" or not self.plan.becomes_async(self.scope_qualname):
            return
        for name in sorted(self.qualified_names(node.func, _NAMES) & _NAMES):
            self.report(
                node,
                f"`{name}(...)` blocks on {BLOCKING[name]}; this function becomes async, so it would stall "
                "every request of the process instead of one worker thread",
                f"`await asyncio.to_thread({name.rpartition('.')[2]}, ...)`, or the library's async API",
                rule="blocking-call",
            )
            return
