# `pkg/brute/process.py` names neither SQLAlchemy nor a relevant module: the pre-scan's spread from
# `pkg/parser.py` (which imports the package `pkg.brute`) stops one import short of it, and it was
# indexed for the plan only (it defines a class). The plan makes its `parse` async (it reaches the
# session through `parser.matcher.find_unit`): the module is rewritten too, where it used to be left
# sync while `parse_one` awaited it (TypeError: object Parsed can't be used in 'await' expression).
# `pkg/brute/units.py` defines no class: it was not even planned, so `unit_of` stayed sync and its
# `unit` called `find_unit`, made async, without awaiting it (a coroutine, always truthy).
CALLS = [
    ("pkg.parser:Brute.parse_one", ("kg",)),
    ("pkg.parser:Brute.unit_of", ("kg",)),
]
