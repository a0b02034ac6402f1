# Rows read by executing a statement of a known entity (`select(self.model)` with `model: type[M]`,
# M bound to the mapped base; `select(User)`) are that entity: their `update(session=...)`, held sync
# by its decorator's wrapper, runs inside `run_sync` with the sync session, for a list's elements
# (`.unique().scalars().all()` then `for`), one row (`.scalars(...).first()`) and a comprehension;
# building one (`self.model(session=...)`, a subclass's constructor reads) runs in `run_sync` too.
CALLS = [
    ("app.repo:create_user", ("gina",)),
    ("app.repo:rename_many", ([1, 3], "dora")),
    ("app.repo:rename_first", ("erin",)),
    ("app.repo:rename_older", (26, "fred")),
]
