# Bulk UPDATEs left unsynchronised where no commit follows them at once: `rename_older` leaves the
# commit to its caller, `set_age` reads the object between the write and the commit (the sync read
# saw the old age there: synchronising at the write would change it). The rows (compared after each
# call) and the results are the same on both sides. What differs is not observable in a call on a
# fresh session: objects the session loaded before the write keep their old values after the commit
# on the async side (reported at each such write). `bulk_write_then_commit` has the writes a commit
# follows, synchronised.
CALLS = [
    ("rename_older", (28, "old")),
    ("set_age", (2, 26)),
    ("set_age_synchronised", (3, 31)),
    ("names_and_ages", ()),
]
