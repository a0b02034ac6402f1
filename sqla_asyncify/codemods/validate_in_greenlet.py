"""A validation with a schema the plan cannot name runs in the session's greenlet: in a function
that becomes async, ``self.schema.model_validate(obj)`` → ``self.session.run_sync(lambda _:
self.schema.model_validate(obj))`` (awaited by AddAwaits, like every session call).

``model_validate``/``from_orm`` read every field of the schema off the object: relationships, and
columns a commit expired. In sync code each unloaded one loads on access; under asyncio the access
raises ``MissingGreenlet``. Where the schema is a class the plan knows, ``eager-load-options`` loads
what it reads with the query. Where it is a value (``self.schema``, a parameter, ``override or
self.schema``) nothing says which attributes it reads: run in the greenlet, the validation runs the
very loads the sync one ran (none where all is loaded). ``loading.py`` (``Loading.validations``)
decides where; a call in a generator expression (which cannot await) is left, reported, and one in
a lambda is left (a second run finds it inside the bridge the first wrote).
"""

from __future__ import annotations

import libcst as cst

from ..names import dotted
from .base import AsyncifyCodemod

#: Validators that read the object's attributes (``parse_obj``/``validate`` take a mapping).
READING_VALIDATORS = frozenset({"model_validate", "from_orm"})


class ValidateInGreenlet(AsyncifyCodemod):
    DESCRIPTION = "Run a validation with a schema the plan cannot name in the session's greenlet."
    TRIGGERS = ()  # found by line: ``wanted`` says where

    @classmethod
    def wanted(cls, plan: object, module_name: str) -> bool:
        return any(key[0] == module_name for key in plan.loading.validations)  # type: ignore[attr-defined]

    #: Depth of generator expressions around the node visited (an await there would make it async).
    _generators = 0

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool | None:
        self._generators += 1
        return None

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp, updated_node: cst.GeneratorExp) -> cst.BaseExpression:
        self._generators -= 1
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in READING_VALIDATORS and original_node.args):
            return updated_node
        validation = self._validation(original_node)
        if validation is None:
            return updated_node
        if self._generators or not self.in_async_context():
            self.report(
                original_node,
                f"validated with a schema the plan cannot name (`{dotted(func.value)}`) inside a generator "
                "expression, which cannot await: its lazy loads raise `MissingGreenlet`",
                "build a list first (`[... for x in xs]`) or load what the schema reads with the query",
            )
            return updated_node
        self.report(
            original_node,
            f"validated with `{dotted(func.value)}`, a schema the plan cannot name: it may read relationships "
            "or expired columns; run in the session's greenlet, the loads the sync validation ran",
        )
        bridge = cst.parse_expression(f"{validation.session}.run_sync(lambda _: None)")
        assert isinstance(bridge, cst.Call)
        lam = bridge.args[0].value
        assert isinstance(lam, cst.Lambda)
        return bridge.with_changes(args=[bridge.args[0].with_changes(value=lam.with_changes(body=updated_node))])

    def _validation(self, call: cst.Call) -> object | None:
        """The plan's validation at this call: same line, scope, schema as written, and object."""
        arg = call.args[0].value
        while isinstance(arg, (cst.Attribute, cst.Subscript)):
            arg = arg.value
        root = arg.value if isinstance(arg, cst.Name) else None
        written = dotted(call.func.value) if isinstance(call.func, cst.Attribute) else None
        for validation in self.plan.loading.validations.get((self.module_name, self.line_of(call)), []):
            if validation.scope == self.function_qualname and validation.root == root and written is not None:
                if any(name == written or name.endswith(f".{written}") for name in validation.schema):
                    return validation
        return None
