# The session's factory turns autoflush off: a change pending on an object the bulk write matches
# was flushed by the sync commit after the write (its value won) and would be dropped by
# `synchronize_session="fetch"`, so the write stays unsynchronised and is reported (objects read
# after the commit keep their old values: refresh them). Nothing here reads them: equal results.
CALLS = [
    ("cap_ages", (29,)),
]
