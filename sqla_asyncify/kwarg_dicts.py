"""Keyword dicts spread into calls (``relationship(X, **common_args)``): which can be read statically.

A ``**name`` argument hides what keywords a call gets. It is seen through when ``name`` is a dict
literal bound once in the module with string keys and used nowhere but in such spreads: its keys
are then exactly the keywords it adds. The index (what strategy a relationship loads with) and the
``selectin-relationships`` transformer (whether it may write ``lazy=``) read spreads the same way
through this module, so the plan decides for every relationship the transformer would change.
"""

from __future__ import annotations

from collections import Counter

import libcst as cst
import libcst.matchers as m


def constant_dicts(module: cst.Module) -> dict[str, frozenset[str]]:
    """Names bound once in the module (at any level) to a dict literal with string keys only, whose
    every other occurrence is a ``**name`` argument → the dict's keys."""
    bound: dict[str, list[cst.Dict | None]] = {}
    for target in m.findall(module, m.AssignTarget() | m.AnnAssign() | m.AugAssign() | m.NamedExpr() | m.For()):
        name = getattr(target, "target", None)
        if isinstance(name, cst.Name):
            parent_value = None
            if isinstance(target, cst.AnnAssign) and isinstance(target.value, cst.Dict):
                parent_value = target.value
            bound.setdefault(name.value, []).append(parent_value)
    for assign in m.findall(module, m.Assign(targets=[m.AssignTarget(target=m.Name())], value=m.Dict())):
        assign = cst.ensure_type(assign, cst.Assign)
        name = cst.ensure_type(assign.targets[0].target, cst.Name).value
        values = bound.get(name, [])
        if values == [None]:
            bound[name] = [cst.ensure_type(assign.value, cst.Dict)]
    spread_counts = Counter(
        cst.ensure_type(cst.ensure_type(arg, cst.Arg).value, cst.Name).value
        for arg in m.findall(module, m.Arg(star="**", value=m.Name()))
    )
    name_counts: Counter[str] | None = None  # every Name's occurrences, counted once on first need
    found: dict[str, frozenset[str]] = {}
    for name, values in bound.items():
        if len(values) != 1 or values[0] is None or name not in spread_counts:
            continue
        keys = []
        for element in values[0].elements:
            if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
                break
            key = element.key.evaluated_value
            if not isinstance(key, str):
                break
            keys.append(key)
        else:
            if name_counts is None:
                name_counts = Counter(cst.ensure_type(n, cst.Name).value for n in m.findall(module, m.Name()))
            if name_counts[name] == 1 + spread_counts[name]:
                found[name] = frozenset(keys)
    return found


def spreads_constant_dicts(call: cst.Call, dicts: dict[str, frozenset[str]], keyword: str) -> bool:
    """Every ``**name`` of ``call`` spreads one of ``dicts`` (``constant_dicts``) that does not
    set ``keyword``: the call's ``keyword`` is what it writes itself."""
    for arg in call.args:
        if arg.star == "**":
            if not isinstance(arg.value, cst.Name) or arg.value.value not in dicts:
                return False
            if keyword in dicts[arg.value.value]:
                return False
    return True
