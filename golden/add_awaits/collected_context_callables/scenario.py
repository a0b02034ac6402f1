# Functions made async that a context manager yields, reached through a list of managers entered
# on an ExitStack and a loop over the checks, or one manager (named, or called in place) entered
# on its own: each call of a check is awaited, so the first verdict that is not None is the same.
CALLS = [
    ("first_verdict", (("nobody", "bob"), 25)),
    ("first_verdict", (("alice",), 25)),
    ("first_verdict", (("nobody",), 30)),
    ("first_verdict", (("bob", "alice"), 30)),
    ("verdict_of", ("carol", 30)),
    ("verdict_of", ("nobody", 30)),
    ("verdict_now", ("alice", 40)),
    ("verdict_now", ("bob", 40)),
]
