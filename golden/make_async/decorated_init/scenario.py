# The wrapper, Person's __init__, runs sync in both: no session handed, no I/O in it.
CALLS = [("make_person", ["dora", 33])]
