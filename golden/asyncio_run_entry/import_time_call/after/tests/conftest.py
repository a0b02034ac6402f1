from app.db import init_db


def _run_async(coro):
    """Run coro on a new event loop as asyncio.run does, but leave this thread's
    current event loop as it was (asyncio.run sets it to None). Called where a loop
    runs (sync code called from async code), run it in a worker thread, blocking
    this one as the sync original did. Added by asyncify.
    """
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        import concurrent.futures
        import contextvars

        context = contextvars.copy_context()
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(context.run, _run_async, coro).result()
    if not hasattr(asyncio, "Runner"):  # Python < 3.11
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        return runner.run(coro)


# pytest imports a conftest while collecting, where no event loop runs
_run_async(init_db())


class Seeded:
    users = _run_async(init_db())


SUMMARY = (Seeded.users, _run_async(init_db()) + 1)
