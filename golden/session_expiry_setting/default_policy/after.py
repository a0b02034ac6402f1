from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


def _reload_after_commit(session: AsyncSession, expire: bool) -> None:
    """expire_on_commit=expire, as this session's queries see it: after a commit,
    each ORM query re-reads the rows of the objects it returns (populate_existing),
    as the sync session re-read the objects it had expired. Nothing is expired:
    attributes read without a query keep their values. Added by asyncify.
    """
    from sqlalchemy import event

    info = session.sync_session.info
    info["asyncify_expire_on_commit"] = bool(expire)
    if info.get("asyncify_reload_listeners"):  # listeners once per session
        return
    info["asyncify_reload_listeners"] = True

    @event.listens_for(session.sync_session, "after_commit")
    def committed(sync_session):
        if sync_session.info.get("asyncify_expire_on_commit"):
            sync_session.info["asyncify_stale"] = True

    @event.listens_for(session.sync_session, "do_orm_execute")
    def reload(orm_execute_state):
        stale = orm_execute_state.session.info.get("asyncify_stale")
        if stale and orm_execute_state.is_select:
            orm_execute_state.update_execution_options(populate_existing=True)


async def rename(db: AsyncSession, user_id: int, name: str) -> tuple[int, str]:
    # Under the default policy the session keeps not expiring; its queries re-read instead.
    _reload_after_commit(db, True)
    user = await db.get(User, user_id)
    user.name = name
    await db.commit()
    return (user.id, user.name)
