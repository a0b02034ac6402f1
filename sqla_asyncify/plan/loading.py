"""What loads each lazy relationship after the migration: per relationship and per query site.

Under asyncio a lazy load raises ``MissingGreenlet`` (rules §3.1), so every relationship the code
reads must be loaded before it is read. Loading all of them with their parent (``lazy="selectin"``
on the model) runs SQL the sync code never ran; this module decides, from the project's index
(``loading_facts.py``), the least that keeps every read working:

* never read (no attribute of that name on an object that may be of its class, no schema field of
  that name validating or serializing one): left as it is;
* read on the objects of a query — in the function that runs it, in one its results are passed to or
  returned to, or serialized by a route's ``response_model`` — that query loads it:
  ``selectinload`` for a collection, ``joinedload`` for a many-to-one (no ``.unique()`` needed),
  chained as the reads and schemas nest (``selectinload(A.books).joinedload(Book.publisher)``);
* read where the plan cannot follow the objects back to their query: ``lazy="selectin"`` on the
  model, as before (the ``selectin-relationships`` transformer), with the reason.
* read on a new object another function committed and handed over (returned it, or a pytest
  fixture yielded it), or, after a generator's ``yield``, on an object it held where migrated code
  may roll back: no query loads it; the read's own loads run first, in the session's greenlet
  (``preloads``, written by ``codemods/greenlet_loads.py``), where its statement always reads it.

The rewriting is elsewhere: ``codemods/eager_load_options.py`` adds the options at each site.
``Loads``, the plan's layer, builds it once per plan (``plan.loading``), with ``freshness.py``
(``plan.freshness``): over classification, relationships and expiry, and held code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from functools import cached_property
from typing import TYPE_CHECKING

from .. import sqla
from ..index import FunctionInfo, ModuleIndex
from ..loading_facts import Flow, LoadFacts, QuerySite, Read, Serialized
from ..names import Callee
from .boundaries import Boundaries
from .relationships import Relationships
from ..pickling import fast_state

if TYPE_CHECKING:
    from .freshness import Freshness

LAZY_DEFAULT = frozenset({None, "True", '"select"', "'select'"})
#: Pydantic's builders and dumps: ``Schema.model_validate(obj)`` gives a pydantic object (its
#: attributes are its fields, copied at validation), ``obj.model_dump()`` a dict; neither is a mapped
#: object whose attribute read loads, unless ``Schema`` is a SQLModel table model.
PYDANTIC_RESULTS = frozenset({
    "model_validate", "model_validate_json", "model_validate_strings", "model_construct", "from_orm", "parse_obj",
    "parse_raw", "model_dump", "model_dump_json",
})
_MAX_DEPTH = 12
#: What can follow a collection relationship in an attribute path (``user.addresses.append``): the
#: methods of the list, set or dict it loads as. ``repos.addresses.get_one`` reads no collection.
COLLECTION_ATTRS = frozenset(n for t in (list, set, dict) for n in dir(t) if not n.startswith("__"))


@fast_state
@dataclass(frozen=True, slots=True)
class Rel:
    owner: str
    attr: str
    target: str | None
    collection: bool | None

    @property
    def name(self) -> str:
        return f"{self.owner.rsplit('.', 1)[-1]}.{self.attr}"


@fast_state
@dataclass(frozen=True, slots=True)
class Origin:
    """Where the objects a name holds come from: query ``site`` (in ``scope``) then ``prefix``;
    ``kind`` "site", "none" (not a mapped object: a module, a schema, a new object…) or "unknown"."""

    kind: str
    scope: str = ""
    site: QuerySite | None = None
    prefix: tuple[str, ...] = ()
    reason: str = ""
    line: int = 0  # "new": where the object is constructed
    #: The call nearest the read that handed the objects over: (scope, name bound, line, the
    #: function called), and how much of ``prefix`` the callee had walked already.
    hop: tuple[str, str, int, str] | None = None
    hop_len: int = 0


@dataclass
class SiteLoads:
    """The options a query site gets: relationship chains from its entity, each with why."""

    module: str
    scope: str
    site: QuerySite
    entity: str
    chains: dict[tuple[Rel, ...], list[str]] = field(default_factory=dict)


@dataclass
class Preload:
    """Loads a statement's sync form runs inside attribute reads, run first in the session's
    greenlet (``await db.run_sync(lambda _: (obj.rel, …))``): ``touches`` as (name, attribute)."""

    scope: str
    session: str
    touches: list[tuple[str, str]] = field(default_factory=list)
    whys: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Validation:
    """``schema.model_validate(root…)`` with a schema the plan cannot name (``self.schema``, a
    parameter): which attributes it reads, and so which loads, is unknown; the whole call runs in
    the session's greenlet (``await session.run_sync(lambda _: …)``, ``validate-in-greenlet``)."""

    scope: str
    session: str
    schema: tuple[str, ...]
    root: str


@fast_state
@dataclass(frozen=True, slots=True)
class Decision:
    rel: Rel
    kind: str  # "untouched" | "options" | "selectin" | "read-loaded" (greenlet-loads only)
    reasons: tuple[str, ...] = ()


class Loading:
    """Decisions for a whole project. Build with ``Loading(plan)``; read ``decisions``/``sites``."""

    def __init__(self, plan: Loads) -> None:
        self.plan = plan
        self.primary_keys: dict[str, tuple[str, ...]] = {c: k for m in plan.modules.values() for c, k in m.primary_keys}
        self.facts: dict[str, LoadFacts] = {q: f for m in plan.modules.values() for q, f in m.loads}
        self.module_of: dict[str, ModuleIndex] = {q: m for m in plan.modules.values() for q, _ in m.loads}
        self.rels: dict[str, dict[str, Rel]] = {}
        #: Class → its association proxies: proxy attribute → the relationship it reads.
        self.proxies: dict[str, dict[str, str]] = {}
        self.lazy: set[tuple[str, str]] = set()
        self._models()
        self.rel_names = {a for attrs in self.rels.values() for a in attrs} | {
            a for proxies in self.proxies.values() for a in proxies
        }
        self.sites: dict[tuple[str, int, int], SiteLoads] = {}
        #: (module, line) of a ``name = f(...)`` statement → (scope, name, chains) the caller loads
        #: itself, right after it (``consumer_loads``).
        self.consumers: dict[tuple[str, int], tuple[str, str, dict[tuple[Rel, ...], list[str]]]] = {}
        self._call_sites: dict[str, int] | None = None
        self.unfollowed: dict[tuple[str, str], list[str]] = {}
        self._callers: dict[str, list[tuple[str, object]]] | None = None
        self._origin_cache: dict[tuple[str, str], list[Origin]] = {}
        #: (module, line of a read) → the loads run before its statement (``greenlet-loads``).
        self.preloads: dict[tuple[str, int], Preload] = {}
        #: (module, line) → validations of objects with a schema the plan cannot name.
        self.validations: dict[tuple[str, int], list[Validation]] = {}
        #: Relationships some of whose reads those loads serve: (owner, attr) → where.
        self.read_loaded: dict[tuple[str, str], list[str]] = {}
        self._expiring: bool | None = None
        self._analyse()
        self.decisions = self._decide()

    # -- mapped classes ------------------------------------------------------------------------
    def _resolve_class(self, written: str) -> str | None:
        if written in self.plan.classes:
            return written
        sym = self.plan.symbol(written)
        if sym.kind == "class":
            return sym.name
        short = written.rsplit(".", 1)[-1]
        found = [q for q in self.plan.classes if q.rsplit(".", 1)[-1] == short]
        return found[0] if len(found) == 1 else None

    def _models(self) -> None:
        for module in self.plan.modules.values():
            targets = dict(module.relationship_targets)
            for info in module.classes:
                if info.proxies:
                    self.proxies[info.qualname] = dict(info.proxies)
                lazies = dict(info.relationships)
                for t in targets.get(info.qualname, ()):
                    rel = Rel(info.qualname, t.attr, self._resolve_class(t.target), t.collection)
                    self.rels.setdefault(info.qualname, {})[t.attr] = rel
                    if lazies.get(t.attr, "**") in LAZY_DEFAULT:
                        self.lazy.add((info.qualname, t.attr))
                for target, name, lazy in info.backrefs:
                    owner = self._resolve_class(target)
                    if owner is None:
                        continue
                    self.rels.setdefault(owner, {})[name] = Rel(owner, name, info.qualname, None)
                    if lazy in LAZY_DEFAULT:
                        self.lazy.add((owner, name))

    def is_model(self, cls: str) -> bool:
        return any(c in self.rels for c in self.plan._mro(cls))

    def rel_of(self, cls: str | None, attr: str) -> Rel | None:
        """The relationship reading ``attr`` of a ``cls`` reads: its own, or the one an association
        proxy of that name goes through (``group_id = association_proxy("owner", "group_id")``)."""
        for c in self.plan._mro(cls) if cls else ():
            rel = self.rels.get(c, {}).get(attr)
            if rel is not None:
                return rel
        for c in self.plan._mro(cls) if cls else ():
            through = self.proxies.get(c, {}).get(attr)
            if through is not None and through != attr:
                return self.rel_of(cls, through)
        return None

    def named(self, attr: str) -> list[tuple[str, str]]:
        """(owner, relationship) pairs reading ``attr`` on an object of unknown class may load: the
        relationships of that name, and those the association proxies of that name go through."""
        found = [(owner, attr) for owner, attrs in self.rels.items() if attr in attrs]
        for owner, proxies in self.proxies.items():
            through = proxies.get(attr)
            if through is not None:
                rel = self.rel_of(owner, through)
                if rel is not None and (rel.owner, rel.attr) not in found:
                    found.append((rel.owner, rel.attr))
        return found

    # -- flows ---------------------------------------------------------------------------------
    def _fn(self, scope: str) -> FunctionInfo | None:
        return self.plan.functions.get(scope)

    def _callers_of(self, qualname: str) -> list[tuple[str, object]]:
        if self._callers is None:
            self._callers = {}
            for scope, facts in self.facts.items():
                for p in facts.passes:
                    target = self._target(scope, p.callee)
                    if target is not None:
                        self._callers.setdefault(target, []).append((scope, p))
        return self._callers.get(qualname, [])

    def _target(self, scope: str, callee: Callee) -> str | None:
        if scope not in self.plan.functions:
            return None
        target = self.plan.classify(scope, callee)
        return target.name if target.kind == "function" else None

    def origins(self, scope: str, var: str, depth: int = 0) -> list[Origin]:
        key = (scope, var)
        if key in self._origin_cache:
            return self._origin_cache[key]
        if depth > _MAX_DEPTH:
            return [Origin("unknown", reason="too deep a flow")]
        self._origin_cache[key] = [Origin("unknown", reason=f"`{var}` is defined by itself")]
        found = self._compute_origins(scope, var, depth)
        self._origin_cache[key] = found
        return found

    def _compute_origins(self, scope: str, var: str, depth: int) -> list[Origin]:
        facts = self.facts.get(scope)
        fn = self._fn(scope)
        if facts is None or fn is None:
            return [Origin("unknown", reason=f"`{var}` in code the plan has not indexed")]
        flows = [f for f in facts.flows if f.var == var]
        found: list[Origin] = []
        for flow in flows:
            found += self._flow_origins(scope, flow, depth)
        params = [p.name for p in fn.params]
        if var in params:
            found += self._param_origins(scope, fn, var, depth)
        elif not flows:
            if var in facts.bound:
                return [Origin("unknown", reason=f"`{var}`, bound in `{scope}` from what the plan cannot follow")]
            if fn.parent is not None and fn.parent in self.facts:
                return self.origins(fn.parent, var, depth + 1)
            return [Origin("none")]  # a module, class or global: not a loaded object
        return found or [Origin("unknown", reason=f"`{var}` in `{scope}`")]

    def _param_origins(self, scope: str, fn: FunctionInfo, var: str, depth: int) -> list[Origin]:
        if var in ("self", "cls") and fn.class_qualname and fn.params and fn.params[0].name == var:
            if self.is_model(fn.class_qualname):
                return [Origin("unknown", reason=f"`{var}` of a method of mapped class `{fn.class_qualname}`")]
            return [Origin("none")]
        ty = self.plan.name_type(scope, var)
        if ty.kind == "instance" and not self.is_model(ty.name):
            return [Origin("none")]
        if ty.kind not in ("unknown", "instance"):
            return [Origin("none")]  # a session, an engine…
        fixture = self.plan.fixture_for(fn, var)
        if fixture is not None:
            return self._fixture_origins(fixture, depth)
        index = [p.name for p in fn.params].index(var)
        if fn.class_qualname and fn.params and fn.params[0].name in ("self", "cls"):
            index -= 1
        found: list[Origin] = []
        callers = self._callers_of(scope)
        for caller, p in callers:
            if p.position == index or p.position == var:  # type: ignore[attr-defined]
                found += self.origins(caller, p.var, depth + 1)  # type: ignore[attr-defined]
        if not found:
            return [Origin("unknown", reason=f"parameter `{var}` of `{scope}`: no call the plan can see passes it")]
        return found

    def _fixture_origins(self, fixture: str, depth: int) -> list[Origin]:
        """What a pytest fixture hands a test: what it yields (or, without a yield, returns)."""
        facts = self.facts.get(fixture)
        if facts is None:
            return [Origin("unknown", reason=f"what fixture `{fixture}` gives")]
        var = "<yield>" if facts.yields else "<return>"
        found: list[Origin] = []
        for flow in facts.flows:
            if flow.var == var and flow.key is None and flow.element is None:
                found += [replace(o, hop=None) for o in self._flow_origins(fixture, flow, depth + 1)]
        return found or [Origin("unknown", reason=f"what fixture `{fixture}` gives")]

    def _refreshed(self, scope: str, var: str, line: int) -> Origin | None:
        """``db.refresh(var)`` before ``line``: it reloads ``var`` without loader options, leaving its
        lazy relationships unloaded again. What is read after it is loaded there instead, by
        ``db.get(M, var.pk, options=[...], populate_existing=True)`` (the same row reloaded, with
        the loaders): a site of form "refresh"."""
        facts = self.facts.get(scope)
        found = [
            r for r in (facts.refreshes if facts is not None else ())
            if r.target == var and r.line < line and r.session is not None and self.plan.is_session(scope, r.session)
        ]
        expiring = [n for callee, n in (facts.commits if facts is not None else ()) if n < line and self._expires(scope, callee)]
        if expiring and (not found or max(expiring) > max(r.line for r in found)):
            # The session expires on commit (``Session(engine)``, the "keep" policy): a read after
            # it is refreshed by ``expire-on-commit``, which loads what the model loads.
            return Origin("unknown", reason=f"`{var}` expired by the commit at line {max(expiring)} of `{scope}`")
        if not found:
            return None
        if self._held(scope):
            return Origin("unknown", reason=f"`{var}` reloaded in `{scope}`, held sync")
        site = max(found, key=lambda r: r.line)
        if site.form == "get":
            return Origin("site", scope, site)  # ``db.get(M, obj.id, options=[...], populate_existing=True)``
        if site.form == "refresh-names":
            # ``db.refresh(user, ["orders"])`` loads the relationships it names (rules §3.4)
            return Origin("loaded", scope, site, reason=" ".join(site.options))
        classes = set()
        for origin in self.origins(scope, var):
            if origin.kind == "site":
                classes.add(self._walk_entity(origin, ()))
            elif origin.kind == "new":
                classes.add(origin.reason)
            elif origin.kind == "unknown":
                classes.add(None)
        keys = [self._primary_key(c) for c in classes if c is not None]
        if len(classes) != 1 or None in classes or keys[0] is None:
            return Origin("unknown", reason=f"`{var}` reloaded by `{site.session}.refresh({var})` at line {site.line}, "
                          "which takes no loader options (the object's class or single primary key is not known)")
        cls = next(iter(classes))
        return Origin("site", scope, replace(site, entity=cls or ""))

    def _expires(self, scope: str, callee: Callee) -> bool:
        if not self.plan.is_session(scope, callee):
            return False
        expires = self.plan.session_expires(scope, callee)
        return bool(expires) or expires is None and self.plan.keeps_expiry

    def _primary_key(self, cls: str | None) -> str | None:
        for c in self.plan._mro(cls) if cls else ():
            keys = self.primary_keys.get(c)
            if keys:
                return keys[0] if len(keys) == 1 else None
        return None

    def primary_key(self, cls: str) -> str | None:
        return self._primary_key(cls)

    def _after_commit(self, origin: Origin, scope: str, line: int) -> Origin:
        """A new object read after a ``commit()``/``flush()`` of the function that built it: its
        never-assigned relationships are unloaded (rules §3.6); ``expire-on-commit`` refreshes it,
        which loads what the model loads."""
        facts = self.facts.get(origin.scope)
        commits = [
            n for callee, n in (*facts.commits, *facts.flushes) if facts is not None
            if n > origin.line and self.plan.is_session(origin.scope, callee)
        ] if facts is not None else []
        if not commits or (scope == origin.scope and line < min(commits)):
            return Origin("none")
        return Origin("unknown", reason=f"a new `{origin.reason.rsplit('.', 1)[-1]}` after the commit or flush at "
                      f"line {min(commits)} of `{origin.scope}` (its relationships are unloaded; refreshed, it loads what the model loads)")

    def _held(self, scope: str) -> bool:
        """Code the migration leaves as it is (held sync, or in a module held or skipped): no option
        can be written there."""
        module = self.module_of[scope].module if scope in self.module_of else ""
        parts = scope.split(".")
        prefixes = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
        return bool(prefixes & set(self.plan.held_sync)) or self.plan.is_module_held(module) or module in self.plan.frozen

    def _flow_origins(self, scope: str, flow: Flow, depth: int) -> list[Origin]:
        if flow.kind == "query" and flow.site is not None and self._held(scope):
            # ``scope`` set: a read in this same held function loads lazily as before (``_sync_read``)
            return [Origin("unknown", scope, reason=f"a query in `{scope}`, held sync")]
        if flow.kind == "query" and flow.site is not None:
            if flow.site.form != "select" and (
                flow.site.session is None or not self.plan.is_session(scope, flow.site.session)
            ):
                return [Origin("none")]  # ``params.get(key, default)``: not a session
            if flow.site.form == "select" and flow.site.session is not None and not self.plan.is_session(scope, flow.site.session):
                return [Origin("unknown", reason=f"a statement run on `{flow.site.session}`, not a known session")]
            return [Origin("site", scope, flow.site)]
        if flow.kind == "path":
            refreshed = self._refreshed(scope, flow.root, flow.line)
            if refreshed is not None:
                return [refreshed]
            return [replace(o, prefix=(*o.prefix, *flow.path)) for o in self.origins(scope, flow.root, depth + 1)]
        if flow.kind == "call" and flow.callee is not None:
            ty = self.plan._value_type(scope, flow.callee, False, frozenset()) if scope in self.plan.functions else None
            if ty is not None and ty.kind == "class":
                if self.is_model(ty.name):
                    return [Origin("new", scope, reason=ty.name, line=flow.line)]
                return [Origin("none")]
            target = self._target(scope, flow.callee)
            if target is None and self._pydantic_result(scope, flow.callee):
                return [Origin("none")]
            if target is None:
                return [Origin("unknown", reason=f"the result of `{flow.callee}()` (line {flow.line})")]
            hop = (scope, flow.var, flow.line, target) if flow.var != "<return>" and flow.element is None else None
            return [
                replace(o, hop=hop, hop_len=len(o.prefix)) if o.kind == "site" else o
                for o in self._return_origins(target, flow.element, depth + 1)
            ]
        if flow.kind == "unpacked":
            return [Origin("unknown", reason=f"`{flow.var}` unpacked at line {flow.line} from what is not a call")]
        return [Origin("unknown", reason=f"line {flow.line}")]

    def _pydantic_result(self, scope: str, callee: Callee) -> bool:
        """``Schema.model_validate(...)``, ``obj.model_dump()`` and the like (``PYDANTIC_RESULTS``)
        give no mapped object: ``Schema`` resolves to a class that is no model, or the plan cannot
        name it (``self.schema``, a parameter) in a project with no SQLModel model (whose table
        classes ``model_validate`` builds too)."""
        if not callee.path or callee.path[-1] not in PYDANTIC_RESULTS:
            return False
        if callee.path[-1].startswith("model_dump"):
            return True  # a dict or a JSON string, whatever the receiver
        receiver = callee.prefix(len(callee.path) - 1)
        cls = None if receiver.calls else self._resolve_class(self.plan.qualify(self.module_of[scope].module, receiver))
        if cls is not None:
            return not self.is_model(cls)
        return not self._sqlmodel_models

    @cached_property
    def _sqlmodel_models(self) -> bool:
        return any(self._dumps_fields_only(c) for c in self.rels)

    def _return_origins(self, scope: str, element: int | None, depth: int) -> list[Origin]:
        facts = self.facts.get(scope)
        if facts is None:
            return [Origin("unknown", reason=f"what `{scope}` returns")]
        found: list[Origin] = []
        for flow in facts.flows:
            if flow.var != "<return>" or flow.key is not None:
                continue
            if element is not None and flow.element is not None and flow.element != element:
                continue
            if element is not None and flow.element is None and flow.kind == "call":
                found += self._flow_origins(scope, Flow("<return>", "call", flow.line, callee=flow.callee, element=element), depth)
                continue
            if element is not None and flow.element is None:
                found.append(Origin("unknown", reason=f"an element of what `{scope}` returns"))
                continue
            found += self._flow_origins(scope, flow, depth)
        return found or [Origin("none")]

    # -- reads ---------------------------------------------------------------------------------
    def _analyse(self) -> None:
        for scope, facts in self.facts.items():
            path = self.module_of[scope].path
            for read in facts.reads:
                if self._loaded_before(facts, read):
                    continue
                self._after_yield(scope, facts, read)
                if not self.rel_names.intersection(read.path):
                    continue
                where = f"{path}:{read.line}"
                refreshed = self._refreshed(scope, read.root, read.line)
                for origin in [refreshed] if refreshed is not None else self.origins(scope, read.root):
                    if origin.kind == "new":
                        committed = self._after_commit(origin, scope, read.line)
                        if committed.kind == "unknown" and self._new_elsewhere(scope, origin, read, committed.reason):
                            continue
                        origin = committed
                    if self._sync_read(scope, origin):
                        continue
                    self._need(origin, read.path, f"read `{read.root}.{'.'.join(read.path)}` at {where}", where)
            for item in facts.serialized:
                where = f"{path}:{item.line}"
                self._unnamed_schema(scope, item)
                for origin in self.origins(scope, item.root):
                    if origin.kind == "new":
                        origin = self._after_commit(origin, scope, item.line)
                    if self._sync_read(scope, origin):
                        continue
                    self._serialize(origin, item.path, item.schema, where)
            self._route(scope, facts, path)

    def _sync_read(self, scope: str, origin: Origin) -> bool:
        """A read in held sync code of the objects a query of that same function gave (a data
        migration's ``session.query(M).all()`` then ``m.rel``): it runs where the query ran, with
        its session usable synchronously, so it loads lazily as before and needs no loader. A
        model-level strategy would change every query of the model instead (those of old schemas
        in Alembic migrations too), for a read that never needed it."""
        return origin.kind == "unknown" and origin.scope == scope and self._held(scope)

    def _unnamed_schema(self, scope: str, item: Serialized) -> None:
        """A validation whose schema resolves to no class (``self.schema.model_validate(obj)``): the
        relationships and expired columns it reads cannot be loaded by a query's options, so in
        async code with a session at hand the call runs where the sync reads' loads can run."""
        if not item.schema or any(self._resolve_class(name) is not None for name in item.schema):
            return
        if not self.plan.is_async(scope) or self._held(scope):
            return
        fn = self.plan.functions.get(scope)
        if fn is None or self.plan.builtin_value(fn, item.root):
            return  # a dict, a list…: no attribute of it loads
        session = self.session_in(scope)
        if session is not None:
            self.validations.setdefault((self.module_of[scope].module, item.line), []).append(
                Validation(scope, session, item.schema, item.root)
            )

    @staticmethod
    def _loaded_before(facts: LoadFacts, read: Read) -> bool:
        """A read a ``greenlet-loads`` load before it covers, with no commit or flush between (the
        migrated code read again: it needs nothing more)."""
        saving = [n for _, n in (*facts.commits, *facts.flushes)]
        return any(
            name == read.root and attr == read.path[0] and line <= read.line
            and not any(line < n <= read.line for n in saving)
            for name, attr, line in facts.loads
        )

    def _preload(self, scope: str, read: Read, attr: str, why: str) -> bool:
        """Whether ``read.root.attr`` can be loaded right before the read's statement, in the
        session's greenlet (then it is: ``preloads``)."""
        if not read.plain or not self.plan.is_async(scope) or self._held(scope):
            return False
        session = self.session_in(scope)
        if session is None:
            return False
        key = (self.module_of[scope].module, read.line)
        preload = self.preloads.setdefault(key, Preload(scope, session))
        if (read.root, attr) not in preload.touches:
            preload.touches.append((read.root, attr))
        preload.whys.append(why)
        return True

    def _new_elsewhere(self, scope: str, origin: Origin, read: Read, committed: str) -> bool:
        """A new object's relationship read in a function other than the one that built it and
        committed (or flushed) it — which handed it over (returned it, or yielded it as a pytest
        fixture): nothing loaded it (rules §3.6), and no refresh can go at that commit, which
        serves other callers too. Sync code lazy-loads it at the read; the same load runs right
        before the read's statement, in the greenlet (the relationship stays lazy)."""
        if origin.scope == scope:
            return False
        rel = self.rel_of(origin.reason, read.path[0])
        if rel is None or (rel.owner, rel.attr) not in self.lazy:
            return False
        if self.rel_names.intersection(read.path[1:]):
            return False  # a relationship of what it loads: not followed further here
        why = f"`{read.root}.{rel.attr}` of {committed}"
        if not self._preload(scope, read, rel.attr, why):
            return False
        where = f"{self.module_of[scope].path}:{read.line}"
        self.read_loaded.setdefault((rel.owner, rel.attr), []).append(f"loaded before the read at {where} ({why})")
        return True

    def _expiry_possible(self) -> bool:
        """Whether migrated code may expire a session's objects behind a reader's back: a
        ``rollback()``, ``expire()`` or ``expire_all()`` of a session in code made async."""
        if self._expiring is None:
            self._expiring = any(
                call.callee.path and call.callee.path[-1] in ("rollback", "expire", "expire_all")
                and self.plan.is_async(fn.qualname)
                and self.plan.is_session(fn.qualname, call.callee.prefix(len(call.callee.path) - 1))
                for fn in self.plan.functions.values() for call in fn.calls
            )
        return self._expiring

    def _after_yield(self, scope: str, facts: LoadFacts, read: Read) -> None:
        """An attribute read, after a ``yield``, of a mapped object the generator held before it
        (a fixture's teardown, a context manager's exit): the code it yielded to (the test, the
        ``with`` body) may have rolled the session back, expiring every object, which sync code
        reloads at this read and async code cannot. The read's loads run first, in the greenlet:
        the same SELECT where the object is expired, none where it is not."""
        if not facts.yields or read.line <= min(facts.yields) or not self._expiry_possible():
            return
        if any(f.var == read.root and f.line > min(facts.yields) for f in facts.flows):
            return  # bound again after the yield
        attr = read.path[0]
        classes = set()
        for origin in self.origins(scope, read.root):
            if origin.kind == "new":
                classes.add(origin.reason)
            elif origin.kind == "site":
                classes.add(self._walk_entity(origin, ()))
            else:
                return
        if not classes or None in classes or any(self._method(c, attr) for c in classes if c):
            return
        self._preload(scope, read, attr, f"`{read.root}` held across the yield at line {min(facts.yields)}")

    def _method(self, cls: str, attr: str) -> bool:
        """Whether ``attr`` of ``cls`` is a function of the class (a method or property): reading
        it runs code, not a load."""
        return any(f"{c}.{attr}" in self.plan.functions for c in self.plan._mro(cls))

    def preload(self, module: str, line: int) -> Preload | None:
        return self.preloads.get((module, line))

    def _route(self, scope: str, facts: LoadFacts, path: str) -> None:
        fn = self._fn(scope)
        schema = facts.response_model or (fn.returns_annotation if fn is not None and fn.decorators else ())
        if not self._schemas(schema):
            return
        for flow in facts.flows:
            if flow.var != "<return>":
                continue
            where = f"{path}:{flow.line}"
            inner = self._field_schema(schema, flow.key) if flow.key is not None else schema
            if not inner:
                continue
            for origin in self._flow_origins(scope, flow, 0):
                if origin.kind == "new":
                    origin = self._after_commit(origin, scope, flow.line)
                self._serialize(origin, (), inner, where)

    def _dumps_fields_only(self, cls: str) -> bool:
        """A SQLModel model: dumped whole (``jsonable_encoder`` → ``model_dump``), it gives its
        pydantic fields, and its relationships are none of them: the dump reads no relationship."""
        return any(b in sqla.SQLMODEL_BASES for c in self.plan._mro(cls) for b in self.plan.classes[c].bases)

    def _schemas(self, names: tuple[str, ...]) -> list[str]:
        found = []
        for name in names:
            cls = self._resolve_class(name) if name in self.plan.classes or "." in name else None
            if cls is not None and not self.is_model(cls) and self._fields(cls):
                found.append(cls)
        return found

    def _fields(self, cls: str) -> dict[str, tuple[str, ...]]:
        fields: dict[str, tuple[str, ...]] = {}
        for c in reversed(self.plan._mro(cls)):
            fields.update(dict(self.plan.classes[c].annotations))
        return fields

    def _field_schema(self, schema: tuple[str, ...], key: str | None) -> tuple[str, ...]:
        for cls in self._schemas(schema):
            names = self._fields(cls).get(key or "")
            if names:
                return names
        return ()

    def _serialize(self, origin: Origin, path: tuple[str, ...], schema: tuple[str, ...], where: str) -> None:
        if origin.kind in ("none", "new"):
            return
        if origin.kind == "loaded":
            origin = Origin("unknown", reason="an object refreshed with named attributes")
        if not schema:  # a whole-object dump
            if origin.kind == "site":
                entity = self._walk_entity(origin, path)
                if entity is not None and self._dumps_fields_only(entity):
                    return
                for rel in self.rels.get(entity or "", {}).values():
                    self.unfollowed.setdefault((rel.owner, rel.attr), []).append(f"dumped whole at {where}")
            return
        schemas = self._schemas(schema)
        if origin.kind == "unknown":
            for cls in schemas:
                for name in self._fields(cls):
                    for owner, rel in self.named(name):
                        self.unfollowed.setdefault((owner, rel), []).append(
                            f"serialized by `{cls.rsplit('.', 1)[-1]}` at {where}, from {origin.reason}"
                        )
            return
        entity = self._walk_entity(origin, path)
        if entity is None:
            return
        prefix = self._rel_chain(origin, path)
        if prefix is None:
            return
        for cls in schemas:
            for chain in self._schema_chains(entity, cls, frozenset()):
                self._add(origin, (*prefix, *chain), f"serialized by `{cls.rsplit('.', 1)[-1]}` at {where}")

    def _schema_chains(self, entity: str, schema: str, seen: frozenset[tuple[str, str]]) -> Iterator[tuple[Rel, ...]]:
        if (entity, schema) in seen:
            return
        seen = seen | {(entity, schema)}
        for name, annotation in self._fields(schema).items():
            rel = self.rel_of(entity, name)
            if rel is None or rel.target is None:
                continue
            nested = self._schemas(annotation)
            yield (rel,)
            for inner in nested:
                for chain in self._schema_chains(rel.target, inner, seen):
                    yield (rel, *chain)

    def _entity(self, origin: Origin) -> str | None:
        assert origin.site is not None
        module = self.module_of[origin.scope].module
        root, *path = origin.site.entity.split(".")
        written = self.plan.qualify(module, Callee(root, tuple(path)))
        if written == origin.site.entity and f"{module}.{written}" in self.plan.classes:
            return f"{module}.{written}"  # a class of the module itself (not imported): not a short name
        return self._resolve_class(written)

    def _walk_entity(self, origin: Origin, path: tuple[str, ...]) -> str | None:
        cls = self._entity(origin)
        for attr in (*origin.prefix, *path):
            rel = self.rel_of(cls, attr)
            if rel is None:
                return None
            cls = rel.target
        return cls

    def _rel_chain(self, origin: Origin, path: tuple[str, ...]) -> tuple[Rel, ...] | None:
        """The relationships from the site's entity along ``prefix + path`` (None: not an entity)."""
        cls = self._entity(origin)
        if cls is None:
            return None
        chain: list[Rel] = []
        for attr in (*origin.prefix, *path):
            rel = self.rel_of(cls, attr)
            if rel is None:
                break
            chain.append(rel)
            cls = rel.target
        return tuple(chain)

    def _need(self, origin: Origin, path: tuple[str, ...], why: str, where: str) -> None:
        if origin.kind in ("none", "new") or origin.kind == "loaded" and path[:1] and path[0] in origin.reason.split():
            return
        if origin.kind == "loaded":
            origin = Origin("unknown", reason=f"`{'.'.join(path)}` after a refresh naming other attributes")
        if origin.kind == "unknown":
            for i, attr in enumerate(path):
                for owner, rel in self.named(attr):
                    if i + 1 < len(path) and self._not_a_collection(owner, rel, path[i + 1]):
                        continue
                    if i == 0 or self._reached(path[:i], owner):
                        self.unfollowed.setdefault((owner, rel), []).append(f"{why}, on {origin.reason}")
            return
        chain = self._rel_chain(origin, path)
        if chain:
            self._add(origin, chain, why)

    def _not_a_collection(self, owner: str, attr: str, then: str) -> bool:
        """``x.<attr>.<then>`` cannot read collection relationship ``owner.attr``: ``then`` is no
        method of the collection (a repository's ``repos.users.get_one`` named like ``Group.users``)."""
        rel = self.rels.get(owner, {}).get(attr)
        return rel is not None and rel.collection is True and then not in COLLECTION_ATTRS

    def _reached(self, path: tuple[str, ...], owner: str) -> bool:
        return any(r.target == owner for attrs in self.rels.values() for r in attrs.values() if r.attr == path[-1])

    def session_in(self, scope: str) -> str | None:
        """An expression for a session in ``scope``: a parameter or local, else ``self.<attr>``."""
        names = self.plan.session_names(scope)
        if names:
            return names[0]
        fn = self.plan.functions.get(scope)
        if fn is None or fn.class_qualname is None or not fn.params or fn.params[0].name != "self":
            return None
        for other in self.plan.functions.values():  # ``self.db`` as the class's methods use it
            if other.class_qualname != fn.class_qualname:
                continue
            for call in other.calls:
                if call.callee.root == "self" and len(call.callee.path) >= 2:
                    receiver = call.callee.prefix(1)
                    if self.plan.is_session(scope, receiver):
                        return str(receiver)
        return None

    def _callers_count(self, qualname: str) -> int:
        if self._call_sites is None:
            self._call_sites = {}
            for fn in self.plan.functions.values():
                for call in fn.calls:
                    target = self._target(fn.qualname, call.callee)
                    if target is not None:
                        self._call_sites[target] = self._call_sites.get(target, 0) + 1
        return self._call_sites.get(qualname, 0)

    def _by_consumer(self, origin: Origin, chain: tuple[Rel, ...], why: str) -> bool:
        """A single object a function hands to several callers, one of which reads a relationship
        on it: options on that function's query would load it for every caller. The reader loads
        it instead, right after the call, with the very lazy loads the sync code ran there
        (``await db.run_sync(lambda _: obj.rel)``): the same statements, no more."""
        if origin.hop is None or origin.site is None or not origin.site.single:
            return False
        scope, var, line, target = origin.hop
        rest = chain[origin.hop_len:]
        if not rest or len(chain[: origin.hop_len]) != origin.hop_len or any(r.collection is not False for r in chain[: origin.hop_len]):
            return False  # the callee handed over a list, or a path into one
        if any(r.collection is None for r in rest[:-1]):
            return False  # cannot tell whether to iterate it
        if self._callers_count(target) < 2 or not self.plan.is_async(scope) or self._held(scope):
            return False
        if self.session_in(scope) is None:
            return False
        key = (self.module_of[scope].module, line)
        _, _, chains = self.consumers.setdefault(key, (scope, var, {}))
        for existing in list(chains):
            if existing == rest[: len(existing)]:
                chains[rest] = chains.pop(existing) + [why]
                return True
            if rest == existing[: len(rest)]:
                chains[existing].append(why)
                return True
        chains[rest] = [why]
        return True

    def _add(self, origin: Origin, chain: tuple[Rel, ...], why: str) -> None:
        if not any((r.owner, r.attr) in self.lazy for r in chain):
            return  # loaded by the model's own strategy already
        assert origin.site is not None
        if self._by_consumer(origin, chain, why):
            return
        module = self.module_of[origin.scope].module
        key = (module, origin.site.line, origin.site.column)
        loads = self.sites.get(key)
        if loads is None:
            entity = self._entity(origin) or ""
            loads = self.sites[key] = SiteLoads(module, origin.scope, origin.site, entity)
        # a longer chain covers its prefixes
        for existing in list(loads.chains):
            if existing == chain[: len(existing)]:
                loads.chains[chain] = loads.chains.pop(existing) + [why]
                return
            if chain == existing[: len(chain)]:
                loads.chains[existing].append(why)
                return
        loads.chains[chain] = [why]

    # -- decisions -----------------------------------------------------------------------------
    def _decide(self) -> dict[tuple[str, str], Decision]:
        by_rel: dict[tuple[str, str], list[str]] = {}
        for loads in self.sites.values():
            for chain, whys in loads.chains.items():
                for rel in chain:
                    by_rel.setdefault((rel.owner, rel.attr), []).append(
                        f"loaded by the query at {self.module_of[loads.scope].path}:{loads.site.line} ({whys[0]})"
                    )
        for module, line in self.consumers:
            scope, var, chains = self.consumers[(module, line)]
            for chain, whys in chains.items():
                for rel in chain:
                    by_rel.setdefault((rel.owner, rel.attr), []).append(
                        f"loaded after the call at {self.module_of[scope].path}:{line} ({whys[0]})"
                    )
        decisions = {}
        for owner, attrs in self.rels.items():
            for attr, rel in attrs.items():
                if (owner, attr) not in self.lazy:
                    continue
                key = (owner, attr)
                if key in self.unfollowed:
                    decisions[key] = Decision(rel, "selectin", tuple(dict.fromkeys(self.unfollowed[key])))
                elif key in by_rel:
                    decisions[key] = Decision(rel, "options", tuple(dict.fromkeys(by_rel[key] + self.read_loaded.get(key, []))))
                elif key in self.read_loaded:
                    decisions[key] = Decision(rel, "read-loaded", tuple(dict.fromkeys(self.read_loaded[key])))
                else:
                    decisions[key] = Decision(rel, "untouched", ("never read",))
        return decisions

    def decision(self, owner: str, attr: str) -> Decision | None:
        return self.decisions.get((owner, attr))

    def backref_decision(self, module: str, target: str, name: str) -> Decision | None:
        """The decision for the reverse relationship ``backref=name`` declares on ``target``."""
        owner = self._resolve_class(target if "." in target else f"{module}.{target}") or self._resolve_class(target)
        return self.decisions.get((owner, name)) if owner is not None else None

    def consumer_loads(self, module: str, line: int) -> tuple[str, str, dict[tuple[Rel, ...], list[str]]] | None:
        return self.consumers.get((module, line))

    def site_loads(self, module: str, line: int, column: int) -> SiteLoads | None:
        return self.sites.get((module, line, column))


class Loads(Relationships, Boundaries):
    """``loading`` and ``freshness``: built on first use, from the layers below (what a call does,
    whether a session expires, what is held sync)."""

    @cached_property
    def loading(self) -> Loading:
        """What loads each lazy relationship after the migration (``Loading``)."""
        return Loading(self)

    @cached_property
    def freshness(self) -> Freshness:
        """Queries that can follow a commit of their session (``freshness.py``)."""
        from .freshness import Freshness  # it reads ``loading``: imported where both exist

        return Freshness(self)
