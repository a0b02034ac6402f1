# Each class of the family, picked from a table, is built with its lookup awaited: the owner's name
# is read, the subclass's work after ``super().__init__`` runs after it; a missing user still raises.
CALLS = [
    ("owner_of", ["csv", 1]),
    ("owner_of", ["json", 1]),
    ("owner_of", ["plain", 1]),
    ("owner_of", ["plain", 99], "raises"),
    ("owner_of", ["xml", 1], "raises"),
    ("direct_owner", [1]),
]
