# A connection inspected in place (a new Inspector each time) and through a variable (one
# Inspector, its cache kept): both through the connection's own run_sync.
CALLS = [
    ("inspected", ("users",)),
]
