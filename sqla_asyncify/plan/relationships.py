"""Mapped classes and expiry: which relationships a refresh loads, and whether a session expires on commit.

``relationships`` follows a class's project bases and the ``backref=``s other classes declare on
it; ``session_expires`` traces where a session comes from (``Session(...)``, a sessionmaker and its
``expire_on_commit=``, a dependency such as ``get_db``) under the ``expire-on-commit`` policy, and
``session_autoflushes`` its ``autoflush=`` the same way. Read by the ``expire-on-commit`` transformer
(and ``keeps_expiry`` by the sessionmaker conversions); the fixpoint never asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from .. import sqla
from ..index import Binding
from ..names import Callee
from .classify import Classification
from .types import SESSION_CLASS, SESSIONMAKER, Ty


@dataclass(frozen=True, slots=True)
class _Setting:
    """A boolean setting of sessions, traced to where a session is built: the ``Binding`` field
    holding its keyword as written, and its value where the keyword is absent."""

    keyword: str
    session: bool | None  # ``Session(...)``: after the migration
    sync_maker: bool | None  # ``sessionmaker(...)``: after the migration
    async_maker: bool | None  # ``async_sessionmaker(...)``


#: ``autoflush=``: SQLAlchemy's default (True) everywhere; the migration carries the keyword as written.
_AUTOFLUSH = _Setting("autoflush", True, True, True)


def _expires(argument: str | None, default: bool | None) -> bool | None:
    """``<setting>=<argument>`` as written → its value; an expression we cannot read → None."""
    if argument is None:
        return default
    return {"True": True, "False": False}.get(argument)


def _agree(values: Iterable[bool | None]) -> bool | None:
    """The one answer every origin gives, else None."""
    found = set(values)
    return found.pop() if len(found) == 1 else None


class Relationships(Classification):
    """``relationships``, ``session_expires``, ``keeps_expiry``."""

    # -- mapped classes ------------------------------------------------------------------------------
    @cached_property
    def _backrefs_to(self) -> dict[str, list[tuple[str, str | None]]]:
        """Class qualname → the reverse relationships other classes declare on it with ``backref=``
        (a string target names a mapped class by its name, as SQLAlchemy's registry resolves it)."""
        by_name: dict[str, list[str]] = {}
        for qualname in self.classes:
            by_name.setdefault(qualname.rsplit(".", 1)[-1], []).append(qualname)
        found: dict[str, list[tuple[str, str | None]]] = {}
        for info in self.classes.values():
            for target, name, lazy in info.backrefs:
                for cls in [target] if target in self.classes else by_name.get(target.rsplit(".", 1)[-1], []):
                    found.setdefault(cls, []).append((name, lazy))
        return found

    def relationships(self, class_qualname: str, _seen: frozenset[str] = frozenset()) -> frozenset[str]:
        """The relationship attributes of a project class (its own and its project bases') that
        ``await session.refresh(obj)`` loads after the migration (``sqla.REFRESH_LOADS_LAZY``):
        the ones a new object's read after ``commit()``/``flush()`` would lazy-load."""
        info = self.classes.get(class_qualname)
        if info is None or class_qualname in _seen:
            return frozenset()
        own = {attr for attr, lazy in info.relationships if lazy in sqla.REFRESH_LOADS_LAZY}
        own |= {name for name, lazy in self._backrefs_to.get(class_qualname, ()) if lazy in sqla.REFRESH_LOADS_LAZY}
        seen = _seen | {class_qualname}
        for base in self.class_bases(class_qualname):
            own |= self.relationships(base, seen)
        return frozenset(own)

    def proxies(self, class_qualname: str) -> dict[str, str]:
        """The association proxies of a project class (its own and its project bases'): proxy
        attribute → the relationship reading it reads."""
        found: dict[str, str] = {}
        for cls in reversed(self._mro(class_qualname)):
            found.update(self.classes[cls].proxies)
        return found

    # -- expiry on commit: where a session comes from --------------------------------------------
    def session_expires(self, scope: str, callee: Callee) -> bool | None:
        """Whether the session ``callee`` denotes in ``scope`` still expires its objects on commit
        after the migration: True when it is built by ``Session(...)`` or by a session factory given
        ``expire_on_commit=True`` (theirs, kept); False for ``expire_on_commit=False`` and for a
        ``sessionmaker(...)`` without the keyword (the migration gives it ``False``; True when the
        ``expire-on-commit`` policy is ``"keep"``); None when where
        it comes from cannot be traced (an attribute, an annotated parameter, a scoped session).
        A test's or fixture's parameter is the pytest fixture of that name; a closure's free name,
        its enclosing function's."""
        return self._session_setting(scope, callee, self._expiry, frozenset())

    def session_autoflushes(self, scope: str, callee: Callee) -> bool | None:
        """Whether the session ``callee`` denotes in ``scope`` flushes pending changes before its
        queries and bulk writes (``autoflush=``, traced as ``session_expires`` traces expiry):
        None when where it comes from cannot be traced."""
        return self._session_setting(scope, callee, _AUTOFLUSH, frozenset())

    @property
    def _expiry(self) -> _Setting:
        """``expire_on_commit=``: a sync ``Session(...)``/``sessionmaker(...)`` without it is given
        False by the migration unless the policy keeps expiry; SQLAlchemy's async default is True."""
        return _Setting("expire_on_commit", self.keeps_expiry, self.keeps_expiry, True)

    def _session_setting(self, scope: str, callee: Callee, setting: _Setting, _seen: frozenset[str]) -> bool | None:
        if callee.path or callee.calls:
            return None
        fn = self.functions.get(scope)
        key = f"{scope}:{callee.root}"
        if fn is None or key in _seen:
            return None
        seen = _seen | {key}
        for param in fn.params:
            if param.name == callee.root:
                providers = [param.depends] if param.depends else []
                for name in param.annotation:  # ``Annotated[Session, Depends(get_db)]``, or an alias of it
                    providers += [n for n in (name, *self._aliases.get(name, ())) if n in self.functions]
                if not providers and fn.kind == "function" and self._takes_fixtures(fn):
                    # a pytest fixture of that name: the session it yields
                    module = self._function_module[scope].module
                    visible = [q for q in self._visible_fixtures(module, param.name) if q != scope and self._fixture_visible_from(q, module)]
                    providers = visible[:1]
                return _agree(self._provider_setting(q, setting, seen) for q in providers)
        bindings = [b for b in fn.bindings if b.name == callee.root]
        if not bindings:
            # a closure's session is its enclosing function's (``def _new(): crud.create(db, ...)``)
            return self._session_setting(fn.parent, callee, setting, seen) if fn.parent is not None else None
        return _agree(self._binding_setting(scope, b, setting, seen) for b in bindings)

    @cached_property
    def _attributes_read(self) -> dict[str, str]:
        """Attribute name → where (first) the project reads it on an object (``x.name``, in any
        function or module code), or declares it as a field of a class (a schema that may validate
        an ORM object ``from_attributes``), with the class: ``"path:line"`` or ``"field of C"``."""
        found: dict[str, str] = {}
        for index in self.modules.values():
            for scope, facts in index.loads:
                for read in facts.reads:
                    for attr in read.path:
                        found.setdefault(attr, f"{index.path}:{read.line}")
            for fn in index.functions:
                for ref in fn.refs:
                    for attr in ref.split(".")[1:]:
                        found.setdefault(attr, f"{index.path}:{fn.line}")
        return found

    def attribute_read(self, name: str, owner: str) -> str | None:
        """Where the project reads attribute ``name`` (see ``_attributes_read``), or declares a class
        field of that name other than ``owner``'s own (the mapped class defining it); None if nowhere."""
        where = self._attributes_read.get(name)
        if where is not None:
            return where
        for index in self.modules.values():
            for cls in index.classes:
                if cls.qualname != owner and any(attr == name for attr, _ in cls.annotations):
                    return f"a field of `{cls.qualname}`"
        return None

    @property
    def keeps_expiry(self) -> bool:
        """Whether converted sessionmakers keep expiring on commit (``expire-on-commit = "keep"``)."""
        return self.expire_on_commit == "keep"

    def _provider_setting(self, qualname: str, setting: _Setting, seen: frozenset[str]) -> bool | None:
        """For a function returning or yielding a session (``get_db``): that session's ``setting``."""
        fn = self.functions.get(qualname)
        whole = [b for b in fn.returns if b.element is None] if fn is not None else []
        if not whole:
            return None
        return _agree(self._binding_setting(qualname, b, setting, seen) for b in whole)

    def _binding_setting(self, scope: str, binding: Binding, setting: _Setting, seen: frozenset[str]) -> bool | None:
        value = binding.value
        if (binding.iterated or binding.element is not None) and not binding.called:
            return None  # ``for s in xs``, ``s = xs[0]``: an element of a collection, not another name for it
        if not binding.called:
            return self._session_setting(scope, value, setting, seen)  # another name for a session
        if value.calls:
            return None
        ty = self.type_of(scope, value)
        if ty == SESSION_CLASS:
            return _expires(getattr(binding, setting.keyword), default=setting.session)
        if ty.kind == "function":
            return self._provider_setting(ty.name, setting, seen)
        if ty == SESSIONMAKER or ty == Ty("sessionmaker-method", "begin"):
            maker = value if ty == SESSIONMAKER else value.prefix(len(value.path) - 1)
            found = self._factory_binding(scope, maker)
            if found is None:
                return None
            module, factory = found
            if factory.value.calls or not factory.called:
                return None
            qualname = self.qualify(module, factory.value)
            default = (
                setting.sync_maker
                if qualname in sqla.SYNC_SESSIONMAKERS
                else setting.async_maker
                if qualname in sqla.ASYNC_SESSIONMAKERS
                else None
            )
            return _expires(getattr(factory, setting.keyword), default)
        return None

    def _factory_binding(self, scope: str, callee: Callee) -> tuple[str, Binding] | None:
        """The binding that builds the session factory ``callee`` names: ``(module, binding)``."""
        fn = self.functions.get(scope)
        if fn is not None and not callee.path:
            local = [b for b in fn.bindings if b.name == callee.root]
            if local:
                return (self._function_module[scope].module, local[0]) if len(local) == 1 else None
        module = self._function_module[scope].module if fn is not None else scope
        root = self._imports.get(module, {}).get(callee.root, f"{module}.{callee.root}")
        return self._global_binding(".".join((root, *callee.path)), frozenset())
