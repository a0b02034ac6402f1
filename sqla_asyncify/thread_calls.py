"""Calls that run a function in a worker thread, read as the call of that function they stand for.

``run_in_threadpool(f, *a, **k)`` (starlette, fastapi), ``asyncio.to_thread(f, *a, **k)``,
``anyio.to_thread.run_sync(f, *a)`` and an awaited ``loop.run_in_executor(executor, f, *a)`` call
``f(*a, **k)`` in a thread. Once ``f`` is made async, that call is made in place (``await f(*a, **k)``,
``codemods/thread_runners.py``); the index records it as a call of ``f`` already, so the plan sees
the migrated code's call graph on the first run as on a second one (the sessions ``f`` commits, the
callers it has).

Pure syntax: the caller says what the runner call's function qualifies to; ``in_place`` builds
``f(...)`` (``functools.partial(f, *p, **q)`` handed in: ``f(*p, *a, **q, **k)``; ``lambda: f(x)``
handed alone: ``f(x)``, its body) or says it cannot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import libcst as cst
import libcst.matchers as m

from . import sqla


@dataclass(frozen=True, slots=True)
class Runner:
    """A call running a function in a thread: the runner as qualified, the function's position,
    the runner's own keywords (the thread's options, gone with it), and whether any other keyword
    goes to the function (otherwise the runner rejects it)."""

    name: str
    func_index: int
    own_keywords: frozenset[str] = frozenset()
    passes_keywords: bool = True


def runner(qualified: Iterable[str], func: cst.BaseExpression, awaited: bool) -> Runner | None:
    """The runner a call is, given its ``func`` and what that qualifies to; ``run_in_executor``
    (any receiver) only awaited right there: otherwise its future runs apart from any await."""
    for name in qualified:
        if name in sqla.THREAD_RUNNER_COROUTINES:
            own = sqla.THREAD_RUNNER_COROUTINES[name]
            return Runner(name, 0, own or frozenset(), own is None)
    if isinstance(func, cst.Attribute) and func.attr.value == sqla.RUN_IN_EXECUTOR and awaited:
        return Runner(sqla.RUN_IN_EXECUTOR, 1, frozenset(), False)
    return None


def handed(call: cst.Call, found: Runner) -> cst.BaseExpression | None:
    """The function argument of a runner call, when it is positional."""
    if len(call.args) <= found.func_index or any(a.star or a.keyword for a in call.args[: found.func_index + 1]):
        return None
    return call.args[found.func_index].value


def in_place(call: cst.Call, found: Runner, is_partial: Callable[[cst.BaseExpression], bool]) -> cst.Call | None:
    """``f(*a, **k)`` for the runner call ``call``; None when its arguments cannot be read so (the
    function not positional, a keyword the runner would reject) or a partial's cannot be merged."""
    function = handed(call, found)
    if function is None:
        return None
    rest = [a for a in call.args[found.func_index + 1 :] if a.keyword is None or a.keyword.value not in found.own_keywords]
    if isinstance(function, cst.Lambda):
        body = lambda_call(function)
        if body is None or rest:
            return None
        return body.with_changes(lpar=call.lpar, rpar=call.rpar)
    if not found.passes_keywords and any(a.keyword is not None or a.star == "**" for a in rest):
        return None  # a keyword the runner rejects: the call fails as it is
    bound: list[cst.Arg] = []
    if isinstance(function, cst.Call):
        if not is_partial(function.func) or not function.args:
            return None
        first = function.args[0]
        if first.star or first.keyword is not None:
            return None
        function, bound = first.value, list(function.args[1:])
    if not isinstance(function, cst.Name | cst.Attribute):
        return None
    args = _merged(bound, rest)
    if args is None:
        return None
    trailing = call.args[-1].comma if args and args[-1] is call.args[-1] else cst.MaybeSentinel.DEFAULT
    return cst.Call(
        func=function.with_changes(lpar=[], rpar=[]),
        args=_joined(args, trailing),
        whitespace_after_func=call.whitespace_after_func,
        whitespace_before_args=call.whitespace_before_args,
        lpar=call.lpar,
        rpar=call.rpar,
    )


def lambda_call(node: cst.Lambda) -> cst.Call | None:
    """The body of ``lambda: f(x)``: a lambda of no parameters whose body is one call of a name or
    attribute chain, whose arguments call nothing (the body is the call, and nothing else runs in
    the thread); None for any other lambda."""
    params = node.params
    if params.params or params.posonly_params or params.kwonly_params or params.star_kwarg is not None:
        return None
    if not isinstance(params.star_arg, cst.MaybeSentinel):
        return None
    body = node.body
    if not isinstance(body, cst.Call) or not isinstance(body.func, cst.Name | cst.Attribute):
        return None
    if m.findall(body.func, m.Call() | m.Await()) or _runs_code(list(body.args)):
        return None
    return body


def _merged(bound: list[cst.Arg], given: list[cst.Arg]) -> list[cst.Arg] | None:
    """``partial(f, *bound)(*given)``'s arguments as one call's: positional ones first (the partial's,
    then the call's), keywords after. None where that would reorder code that runs (the partial's
    keywords and the call's positional arguments both call something) or give a keyword twice."""
    if not bound:
        return given
    keywords = [a for a in (*bound, *given) if a.keyword is not None or a.star == "**"]
    positional = [a for a in (*bound, *given) if a.keyword is None and a.star != "**"]
    bound_keywords = [a for a in bound if a.keyword is not None or a.star == "**"]
    given_positional = [a for a in given if a.keyword is None and a.star != "**"]
    if _runs_code(bound_keywords) and _runs_code(given_positional):
        return None
    names = [a.keyword.value for a in keywords if a.keyword is not None]
    if len(names) != len(set(names)) or (any(a.star == "**" for a in bound) and any(a.keyword for a in given)):
        return None
    return [*positional, *keywords]


def _runs_code(args: list[cst.Arg]) -> bool:
    """Whether evaluating any of ``args`` calls something (or awaits)."""
    return any(m.findall(a.value, m.Call() | m.Await()) for a in args)


def _joined(args: list[cst.Arg], trailing: cst.Comma | cst.MaybeSentinel) -> list[cst.Arg]:
    """``args`` as one argument list: a comma after each but the last, which takes the call's own
    trailing comma (or none)."""
    out = []
    for i, arg in enumerate(args):
        if i < len(args) - 1 and not isinstance(arg.comma, cst.Comma):
            arg = arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        elif i == len(args) - 1:
            arg = arg.with_changes(comma=trailing)
        out.append(arg)
    return out
