# Each call commits its bulk UPDATE; the rows (compared after each call) are the same on both sides.
# What differs is not observable in a call on a fresh session: objects the session loaded before
# the write keep their old values after the commit on the async side (reported at each
# unsynchronised write).
CALLS = [
    ("rename_older", (28, "old")),
    ("set_age", (2, 26)),
    ("set_age_synchronised", (3, 31)),
    ("names_and_ages", ()),
]
