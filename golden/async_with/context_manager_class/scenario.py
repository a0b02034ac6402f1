# The users seeded inside the ``with`` are there during the block and deleted by ``__exit__`` after it
# (its cleanup awaited): the count goes back to the seed data's, also when the block raises.
CALLS = [
    ("seeded_count", [["ann", "bob"]]),
    ("seeded_count", [["cy"], True], "raises"),
    ("entered_as", ["dee"]),
]
