"""``@cached_property`` on a getter the migration makes async: the helper that keeps its value.

``@cached_property async def`` would cache the coroutine, which can be awaited once: the second
read would fail (``cannot reuse already awaited coroutine``). ``make-async`` writes
``@_cached_async_property`` instead; the helper, written once into the module (after its imports),
turns the ``async def`` getter into a property whose read returns a coroutine giving the value: the
getter is awaited at the first read and its value kept in the instance's ``__dict__`` under the
property's name, as ``cached_property`` kept it. It is a data descriptor (a ``property``), so the
kept value never shadows it: every read, the first or not, is ``await obj.name``. Assigning the
attribute sets the value and deleting it forgets it (the next read runs the getter again), as with
``cached_property``.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext

from .module_helpers import queue_helper

#: The helper's name in the user's module.
HELPER = "_cached_async_property"

HELPER_SOURCE = (
    f"def {HELPER}(getter):\n"
    '    """functools.cached_property for an async getter: `await obj.name` awaits the getter\n'
    "    once per instance and keeps its value in the instance's __dict__; assigning the\n"
    "    attribute sets the value, deleting it forgets it. Added by asyncify.\n"
    '    """\n'
    "    name = getter.__name__\n"
    "\n"
    "    async def read(self):\n"
    "        if name not in self.__dict__:\n"
    "            value = await getter(self)\n"
    "            # two reads awaiting at once keep the first value, as one read would\n"
    "            self.__dict__.setdefault(name, value)\n"
    "        return self.__dict__[name]\n"
    "\n"
    "    def assign(self, value):\n"
    "        self.__dict__[name] = value\n"
    "\n"
    "    def forget(self):\n"
    "        if self.__dict__.pop(name, read) is read:\n"
    "            raise AttributeError(name)\n"
    "\n"
    "    return property(read, assign, forget, getter.__doc__)\n"
)


def cached_async_property_decorator(context: CodemodContext) -> cst.Decorator:
    """``@_cached_async_property``; the helper is added to the module when the rewrite ends."""
    queue_helper(context, HELPER, HELPER_SOURCE)
    return cst.Decorator(decorator=cst.Name(HELPER))

