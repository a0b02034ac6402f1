"""``await`` on exactly the calls that return coroutines after the migration.

Two kinds, both decided by the plan (rules §1): ``AsyncSession`` coroutine methods (``execute``,
``scalar(s)``, ``get``, ``commit``, ``rollback``, ``flush``, ``refresh``, ``merge``, ``delete``,
``close``…; never ``add``, ``add_all``, ``expunge*``, ``expire*``, ``begin*``, ``in_transaction``), and
calls of project functions the plan makes async (and calls of a parameter always handed a lambda
running one: ``Plan.coroutine_params``), and reads of ``@property`` getters the plan makes async
(``self.group.name`` → ``(await self.group).name``; an attribute assigned to is not read). A call of a
value that may be a function made async (``Plan.value_call``: ``handler(db)`` with ``handler`` looked
up in a dict) is awaited if what it returns is a coroutine, ``await _await_if_coroutine(handler(db))``,
and reported (``awaited-if-coroutine``). The await keeps precedence right:
``db.execute(s).scalars()`` becomes ``(await db.execute(s)).scalars()``. Calls already awaited, calls
handed to ``asyncio.run``/``gather``/``create_task``, and calls in code that cannot await (reported by
the plan) are left alone.

Generator expressions (rules §1, comprehensions): the outermost iterable is evaluated in the enclosing
function, so a call there is awaited like any other (``sum(u.age for u in (await db.execute(s))...)``).
A call in the rest of one would make it an async generator: where the generator is the only argument
of a builtin that consumes it whole in order (``sum``, ``sorted``, ``list``, ``min``…, ``str.join``),
it becomes a list comprehension, which can await (``sum([await price(i) for i in items])``: the same
calls in the same order, only before the first item is consumed); so does one unpacked into a tuple
target (``a, b = (create(x) for x in xs)`` → ``a, b = [await create(x) for x in xs]``: a count
mismatch still raises ``ValueError``, after every item rather than one past the target's length). Elsewhere (``any``/``all`` stop
early, a generator kept for later) the pipeline holds the function sync (its async callers reach
it through ``run_sync``, where the call needs no await); where it stays async anyway, the call is
reported and left.

A function's decorators and parameter defaults run where its ``def`` runs, not in its body: a call
or property read there is awaited only when the scope around the ``def`` can await and needs it
(``@router.delete(...)`` on a method made async stays as written; ``@await ...`` in a class body
would not even compile), and is never a value call of the function being defined.
"""

from __future__ import annotations

from collections import Counter

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider

from ..names import Callee
from .base import AsyncifyCodemod, bound_names
from .entry_runner import AWAIT_HELPER, await_if_coroutine

#: Report rule of a call of a value that may be a function made async.
AWAITED_IF_COROUTINE = "awaited-if-coroutine"


#: ``context.scratch`` key: qualname of a function the plan makes async → (line, problem) of a coroutine
#: call in a generator expression there that no list comprehension can take (``any(...)``): the
#: pipeline holds the function sync and re-plans, as for a legacy query left in it.
LEFT_GENERATORS = "asyncify_left_generators"
GENERATOR_PROBLEM = "a coroutine call in a generator expression"


def parenthesized_await(node: cst.BaseExpression) -> cst.BaseExpression:
    """Parenthesize a bare ``await`` used as a primary (``(await x).y``, ``(await x)[0]``, ``(await x)()``)."""
    if isinstance(node, cst.Await) and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


class AddAwaits(AsyncifyCodemod):
    DESCRIPTION = "Await AsyncSession coroutines and calls of functions made async."
    PLAN_DRIVEN = True

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # calls (by id) → how many generator bodies (all but the outermost iterable) hold them
        self._in_generator: Counter[int] = Counter()
        # generators consumed whole by a builtin: their body calls, and how many got an await
        self._eager: dict[int, tuple[frozenset[int], list[int]]] = {}
        self._rebound: frozenset[str] | None = None
        self._stores: set[int] = set()  # attributes assigned to or deleted: no read of a property
        # calls and attributes (by id) in a decorator or parameter default → the qualname of the
        # function (or lambda) being defined: they run in the scope around it
        self._definition_time: dict[int, str] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        result = super().visit_FunctionDef(node)
        self._note_definition_time([d.decorator for d in node.decorators], node.params)
        return result

    def visit_Lambda(self, node: cst.Lambda) -> bool | None:
        result = super().visit_Lambda(node)
        self._note_definition_time([], node.params)
        return result

    def _note_definition_time(self, decorators: list[cst.BaseExpression], params: cst.Parameters) -> None:
        defaults = [
            p.default
            for p in (*params.posonly_params, *params.params, *params.kwonly_params)
            if p.default is not None
        ]
        for expression in (*decorators, *defaults):
            for found in m.findall(expression, m.Call() | m.Attribute()):
                self._definition_time[id(found)] = self.scope_qualname

    def _defined_here(self, node: cst.CSTNode) -> bool:
        """``node`` is in a decorator or parameter default of the function being visited (not in
        a lambda nested there, whose own scope is being visited)."""
        return self._definition_time.get(id(node)) == self.scope_qualname

    def _enclosing_async(self) -> str | None:
        """The function around the ``def`` being visited, when it is (or becomes) ``async def``."""
        if len(self._scopes) < 2:
            return None
        kind, qualname = self._scopes[-2]
        return qualname if kind == "function" and self.plan.is_async(qualname) else None

    def visit_Call(self, node: cst.Call) -> None:
        if (
            len(node.args) == 1
            and isinstance(node.args[0].value, cst.GeneratorExp)
            and node.args[0].keyword is None
            and not node.args[0].star
            and self._consumes_whole(node.func)
        ):
            genexp = node.args[0].value
            self._eager[id(genexp)] = (
                frozenset(id(c) for c in _body_calls(genexp)),
                [0],
            )

    def visit_Assign(self, node: cst.Assign) -> None:
        # ``a, b = (f(x) for x in xs)``: unpacking iterates the generator to the end, in order
        if isinstance(node.value, cst.GeneratorExp) and all(
            isinstance(t.target, (cst.Tuple, cst.List)) for t in node.targets
        ):
            self._eager[id(node.value)] = (
                frozenset(id(c) for c in _body_calls(node.value)),
                [0],
            )

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        if id(node) not in self._eager:
            self._in_generator.update(id(c) for c in _body_calls(node))

    def leave_GeneratorExp(
        self, original_node: cst.GeneratorExp, updated_node: cst.GeneratorExp
    ) -> cst.BaseExpression:
        eager = self._eager.pop(id(original_node), None)
        if eager is None:
            self._in_generator.subtract(id(c) for c in _body_calls(original_node))
            return updated_node
        if not eager[1][0]:
            return updated_node
        return cst.ListComp(elt=updated_node.elt, for_in=updated_node.for_in)

    def _consumes_whole(self, func: cst.BaseExpression) -> bool:
        """A builtin that iterates its argument to the end, in order, doing nothing else meanwhile."""
        if isinstance(func, cst.Attribute):  # "sep".join(...)
            return func.attr.value == "join" and isinstance(
                func.value, (cst.SimpleString, cst.ConcatenatedString)
            )
        if not isinstance(func, cst.Name) or func.value not in _EAGER_BUILTINS:
            return False
        if self._rebound is None:
            self._rebound = bound_names(self.module)
        return func.value not in self._rebound

    def _needs_await(self, node: cst.Call, scope: str | None = None) -> bool:
        """Whether the call returns a coroutine when made in ``scope`` (default: the context)."""
        scope = scope or self.context_qualname
        callee = Callee.of(node.func)
        if callee is None:
            return False
        if not callee.path and callee.root in self.plan.coroutine_params.get(scope, {}):
            return True  # a parameter always handed a lambda running code made async
        target = self.plan.classify(scope, callee)
        if (
            target.is_awaited
        ):  # session, engine and connection coroutines (rules §1.1, §1.4, §1.5)
            return True
        if target.kind != "function" or not self.plan.becomes_async(target.name):
            return False
        # calling an async generator function returns an async generator, not a coroutine
        info = self.plan.functions.get(target.name)
        return info is None or not info.is_generator

    def leave_Call(
        self, original_node: cst.Call, updated_node: cst.Call
    ) -> cst.BaseExpression:
        updated_node = updated_node.with_changes(
            func=parenthesized_await(updated_node.func)
        )
        if self.is_consumed_as_coroutine(original_node):
            return updated_node
        if id(original_node) in self._definition_time:
            if self._defined_here(original_node) and (scope := self._enclosing_async()):
                if self._needs_await(original_node, scope):
                    return self._awaited(original_node, updated_node)
            return updated_node  # run where the ``def`` runs, which cannot await (or need not)
        if not self._needs_await(original_node):
            callee = Callee.of(original_node.func)
            if callee is not None and self.plan.value_call(self.context_qualname, callee) is not None:
                return self._value_call(original_node, updated_node)
            self._report_unresolved_method(original_node)
            return updated_node
        if not self.in_async_context():
            return updated_node  # the plan reported why this code cannot await
        if self._in_generator[id(original_node)] > 0:
            # The pipeline holds such a function sync (and re-plans): its callers reach it through
            # ``run_sync``, where the call needs no await. Reported in case it is held anyway.
            left: dict[str, tuple[int, str]] = self.context.scratch.setdefault(LEFT_GENERATORS, {})
            left.setdefault(self.scope_qualname, (self.line_of(original_node), GENERATOR_PROBLEM))
            self.report(
                original_node,
                "a coroutine call inside a generator expression: awaiting it would make an async generator",
                "use a list comprehension (`[await f(x) for x in xs]`) or a loop",
            )
            return updated_node
        return self._awaited(original_node, updated_node)

    def _value_call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        """A call of a value that may be a function made async (``Plan.value_call``): awaited if
        what it returns is a coroutine, reported; in code that cannot await, reported only."""
        callee = Callee.of(original_node.func)
        why = None if callee is None else self.plan.value_call(self.context_qualname, callee)
        if why is None:
            return updated_node
        if not self.in_async_context() or self._in_generator[id(original_node)] > 0:
            if callee is not None and not callee.path and self._in_generator[id(original_node)] == 0:
                return updated_node  # sync code calling a value: the hand-off itself is reported (plan)
            self.report(
                original_node,
                f"this call may return a coroutine nobody awaits: {why}; code here cannot await",
                "make the caller `async def` and await the call, or hand only sync functions here",
                AWAITED_IF_COROUTINE,
            )
            return updated_node
        self.report(
            original_node,
            f"awaited if it returns a coroutine (`await {AWAIT_HELPER}(...)`): {why}",
            "where only coroutine functions reach it, `await` the call directly and drop the helper",
            AWAITED_IF_COROUTINE,
        )
        for body, awaited in self._eager.values():
            if id(original_node) in body:
                awaited[0] += 1
        awaited_call = await_if_coroutine(self.context, updated_node.with_changes(lpar=[], rpar=[]))
        return awaited_call.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    def _report_unresolved_method(self, node: cst.Call) -> None:
        """``x.m(...)`` in async code where ``x``'s class is not known (or several unrelated
        methods ``m`` of its subclasses may run) while project methods ``m`` become async or stay
        sync behind ``run_sync``: left as written, and said, rather than guessed."""
        callee = Callee.of(node.func)
        if callee is None or not callee.path or not self.in_async_context():
            return
        hands_session = any(
            (value := Callee.of(arg.value)) is not None
            and not value.calls
            and self.plan.is_session(self.context_qualname, value)
            for arg in node.args
        )
        candidates = self.plan.unresolved_method_candidates(self.context_qualname, callee, hands_session)
        if candidates:
            shown = ", ".join(f"`{q}`" for q in candidates[:3]) + (", …" if len(candidates) > 3 else "")
            self.report(
                node,
                f"`{callee}(...)`: which method runs is not known here, and {shown} become async or "
                "stay sync behind `run_sync`: left as written",
                "annotate the receiver with its class (or a TypeVar bound to it) and migrate again, "
                "or await it / bridge it with `session.run_sync` by hand",
                rule="sync-calls-async",
            )

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._stores.update(_stored_attributes(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._stores.update(_stored_attributes(node.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._stores.update(_stored_attributes(node.target))

    def visit_Del(self, node: cst.Del) -> None:
        self._stores.update(_stored_attributes(node.target))

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        updated_node = updated_node.with_changes(value=parenthesized_await(updated_node.value))
        if not self._reads_async_property(original_node):
            return updated_node
        if self._in_generator[id(original_node)] > 0:
            self.report(
                original_node,
                "a read of a property made async inside a generator expression: awaiting it would make an async generator",
                "read it into a local before the generator, or use a list comprehension",
            )
            return updated_node
        return self._awaited(original_node, updated_node)

    def _awaited(self, original_node: cst.BaseExpression, updated_node: cst.Call | cst.Attribute) -> cst.Await:
        """``await updated_node``, counted for the eager-load bodies it is in; any parentheses
        around it stay on the await: ``(f())`` → ``(await f())``."""
        for body, awaited in self._eager.values():
            if id(original_node) in body:
                awaited[0] += 1
        return cst.Await(
            expression=updated_node.with_changes(lpar=[], rpar=[]),
            lpar=updated_node.lpar,
            rpar=updated_node.rpar,
        )

    def _reads_async_property(self, node: cst.Attribute) -> bool:
        """``obj.prop`` read (not stored, not already awaited) in async code, with ``prop`` a
        ``@property`` getter the plan makes async (sync readers were reported by the plan)."""
        scope = self.context_qualname
        if id(node) in self._definition_time:
            enclosing = self._enclosing_async() if self._defined_here(node) else None
            if enclosing is None:
                return False
            scope = enclosing
        elif not self.in_async_context():
            return False
        if id(node) in self._stores:
            return False
        callee = Callee.of(node)
        if callee is None:
            return False
        getter = self.plan.property_read(scope, callee)
        if getter is None or not self.plan.becomes_async(getter):
            return False
        return not isinstance(self.get_metadata(ParentNodeProvider, node, None), cst.Await)

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        return updated_node.with_changes(value=parenthesized_await(updated_node.value))


#: Builtins that consume an iterable whole and in order (no early exit, unlike ``any``/``all``/``next``).
_EAGER_BUILTINS = frozenset(
    {"sum", "sorted", "list", "tuple", "set", "frozenset", "min", "max", "dict"}
)


def _body_calls(genexp: cst.GeneratorExp) -> list[cst.CSTNode]:
    """Calls (and attribute reads, which may run a property) a generator evaluates lazily: all
    but those in its outermost iterable, which the enclosing function evaluates when the
    generator is created."""
    comp = genexp.for_in
    parts: list[cst.CSTNode] = [genexp.elt, *comp.ifs]
    if comp.inner_for_in is not None:
        parts.append(comp.inner_for_in)
    return [c for part in parts for c in m.findall(part, m.Call() | m.Attribute())]


def _stored_attributes(target: cst.BaseExpression) -> set[int]:
    """Ids of the attributes a statement stores into (``obj.x = v``, ``a.b, c = pair``)."""
    if isinstance(target, cst.Attribute):
        return {id(target)}
    if isinstance(target, cst.Tuple | cst.List):
        return {i for element in target.elements for i in _stored_attributes(element.value)}
    return set()
