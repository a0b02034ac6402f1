# New objects' relationships after commit/flush (rules §3.6). The async session is built as the
# default migration builds them (expire_on_commit=False), so nothing reloads the new user.
# create_flushed is reported, not fixed: it is not run.
CALLS = [
    ("app.routes:create", ("dora",)),
    ("app.routes:create_returned", ("erin",)),
    ("app.routes:with_addresses", ("fay",)),
    ("app.routes:appended", ("gus",)),
]
# `create_returned` hands the new user to a response model: refreshed at the flush (its row, then
# its addresses), where the sync app lazy-loads them later, when the response model reads them.
PARITY_EXCEPTIONS = {"create_returned": "refreshed for the response model that reads it after the call"}
