# A coroutine a sync function ran with ``loop.run_until_complete`` / ``asyncio.run`` is awaited
# once the function is made async: same results, on the running loop.
CALLS = [
    ("doubled_ages", ("alice",)),
    ("doubled_ages", ("zed",)),
    ("first_doubled", ()),
]
