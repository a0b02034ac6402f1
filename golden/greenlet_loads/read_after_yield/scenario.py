# temporary_address holds a committed Address across its yield; the with-body's failed insert rolls
# the session back, expiring it. The exit reads address.email: sync reloads it there (one SELECT),
# async runs that same reload first, in the greenlet (run_sync). The add_user rollback stays
# reported: reads after it elsewhere are not followed.
CALLS = [
    ("app.addresses:clash_inside", ()),
]
