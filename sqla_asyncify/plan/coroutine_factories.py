"""Callables handed to a function that only calls them: when every one handed runs code made
async, the function awaits what it calls.

    def safe_try(func):                       async def safe_try(func):
        try:                                      try:
            func()                          →         await func()
        except Exception as e: ...                except Exception as e: ...

    safe_try(lambda: fix(session))            await safe_try(lambda: fix(session))

A lambda cannot be async, but ``lambda: fix(session)`` with ``fix`` made async returns its
coroutine; the function it is handed to awaits it. That holds only when every call of the function
hands, for that parameter, a lambda whose body is one call of a function made async, or such a
function by name (an awaited sync result would raise ``TypeError``), and the function does nothing
with the parameter but call it (read its attributes: ``func.__name__``). Otherwise the lambdas are
reported as before (``sync-boundary``).

A project decorator's ``wrapper`` calling the function it replaces (``fn(db, *args)``, ``fn`` the
decorator's parameter, read by nothing but the call and ``functools.wraps``) is the same case:
when every function the decorator is applied to is made async, the wrapper awaits the call, so
what it does after it (commit, close, a ``finally``) runs after the work, as before.

``Plan.build`` finds them after a first solve (``find_coroutine_params``) and solves again with them:
the fixpoint marks each such function async (``_seed``) and leaves the lambdas unreported.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..index import FunctionInfo
from ..names import Callee
from .boundaries import Boundaries


def keyed_params(receiver: FunctionInfo, callee: Callee) -> list[tuple[str, str]]:
    """(argument key, parameter name) for each parameter of ``receiver`` as called through
    ``callee``: by position (after ``self``/``cls`` when called through an attribute) and by name."""
    params = [p.name for p in receiver.params]
    if receiver.class_qualname is not None and callee.path and params and params[0] in ("self", "cls"):
        params = params[1:]
    return [*((str(i), name) for i, name in enumerate(params)), *((name, name) for name in params)]


class CoroutineFactories(Boundaries):
    """``coroutine_params``: function → parameters whose calls return coroutines."""

    def find_coroutine_params(self, to_async: Mapping[str, object]) -> dict[str, dict[str, str]]:
        """Function qualname → {parameter: a function made async that an argument handed for it
        runs}, for the parameters every call hands a coroutine factory; ``to_async`` is a solved
        plan's."""
        handed: dict[tuple[str, str], list[str | None]] = {}  # (function, param) → what each call runs
        # Calls of one callee on one line are told apart by nothing here: their lambdas count for each.
        lambdas: dict[tuple[str, str, int, str], list[FunctionInfo]] = {}
        for fn in self.functions.values():
            if fn.kind == "lambda" and fn.passed_to is not None:
                scope, callee, key, line = fn.passed_to
                lambdas.setdefault((scope, key, line, str(callee)), []).append(fn)
        for caller in self.functions.values():
            for site in caller.calls:
                target = self.classify(caller.qualname, site.callee)
                if target.kind != "function" or target.name not in self.functions:
                    continue
                receiver = self.functions[target.name]
                if receiver.is_async or receiver.kind != "function":
                    continue
                named = dict(site.args)
                for key, param in keyed_params(receiver, site.callee):
                    if param not in self._only_called_params(receiver):
                        continue
                    handed_lambdas = lambdas.get((caller.qualname, key, site.line, str(site.callee)))
                    if handed_lambdas:
                        each = [self._lambda_runs(lam, to_async) for lam in handed_lambdas]
                        runs = None if None in each else each[0]
                    elif key in named:
                        runs = self._named_runs(caller, named[key], to_async)
                    elif key in site.arg_keys:
                        runs = None  # another expression (``partial(f, x)``): what it returns is unknown
                    else:
                        continue  # not handed here (a default): nothing to await
                    handed.setdefault((receiver.qualname, param), []).append(runs)
        found: dict[str, dict[str, str]] = {}
        for (qualname, param), runs in sorted(handed.items()):
            if runs and all(r is not None for r in runs) and self.boundary_reason(self.functions[qualname]) is None:
                found.setdefault(qualname, {})[param] = str(runs[0])
        for wrapper, replaced in sorted(self.replaced_by.items()):
            # A decorator's wrapper calling the function it replaces: when every function it
            # decorates is made async, it awaits the call, so its own code (the commit after the
            # work, a ``finally``) runs after the work as before, not before a coroutine is run.
            if self.functions[wrapper].is_async or self.boundary_reason(self.functions[wrapper]) is not None:
                continue
            if all(d in to_async and not self.functions[d].is_generator for d in replaced):
                found.setdefault(wrapper, {})[self.decorated[replaced[0]][1]] = replaced[0]
        return found

    def _only_called_params(self, fn: FunctionInfo) -> frozenset[str]:
        """Parameters of ``fn`` it only calls (or reads an attribute of): never hands on, binds,
        returns or stores."""
        names = {p.name for p in fn.params}
        called = {site.callee.root for site in fn.calls if not site.callee.path and site.callee.root in names}
        escaping = {callee.root for site in fn.calls for _, callee in site.args}
        escaping |= {b.value.root for b in (*fn.bindings, *fn.returns) if not b.called}
        escaping |= {b.name for b in fn.bindings}  # rebound: a call of the name may call something else
        escaping |= {ref.split(".", 1)[0] for ref, _ in fn.stored}
        escaping |= {param for param in names if any(site.callee.root == param and site.callee.path for site in fn.calls)}
        return frozenset(called - escaping)

    def _lambda_runs(self, lam: FunctionInfo, to_async: Mapping[str, object]) -> str | None:
        """The function made async that ``lam``'s body calls (``lambda: f(x)``), or None."""
        if lam.body_call is None or lam.params:
            return None
        target = self.classify(lam.qualname, lam.body_call)
        if target.kind != "function" or target.name not in to_async or self.functions[target.name].is_generator:
            return None
        return target.name

    def _named_runs(self, caller: FunctionInfo, callee: Callee, to_async: Mapping[str, object]) -> str | None:
        """The function made async that an argument names (``safe_try(fix_all)``), or None."""
        target = self.classify(caller.qualname, callee)
        if target.kind != "function" or target.name not in to_async or self.functions[target.name].is_generator:
            return None
        return target.name
