from app.db import init_db


def _run_async(coro):
    """Run coro on a new event loop as asyncio.run does, but leave this thread's
    current event loop as it was (asyncio.run sets it to None). Added by asyncify.
    """
    import asyncio

    if not hasattr(asyncio, "Runner"):  # Python < 3.11
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        return runner.run(coro)


# pytest imports a conftest while collecting, where no event loop runs
_run_async(init_db())


class Seeded:
    users = _run_async(init_db())


SUMMARY = (Seeded.users, _run_async(init_db()) + 1)
