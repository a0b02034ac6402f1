from sqlalchemy.ext.asyncio import AsyncSession

from .models import Address, User
from sqlalchemy.orm import selectinload


def _reload_after_commit(session: AsyncSession, expire: bool) -> None:
    """expire_on_commit=expire, as this session's queries see it: after a commit,
    each ORM query re-reads the rows of the objects it returns (populate_existing),
    as the sync session re-read the objects it had expired, and loaded collections
    drop the objects the commit deleted. Nothing is expired: attributes read
    without a query keep their values. Added by asyncify.
    """
    from sqlalchemy import event
    from sqlalchemy.orm.attributes import instance_state, set_committed_value
    from sqlalchemy.orm.collections import collection_adapter

    info = session.sync_session.info
    info["asyncify_expire_on_commit"] = bool(expire)
    if info.get("asyncify_reload_listeners"):  # listeners once per session
        return
    info["asyncify_reload_listeners"] = True

    @event.listens_for(session.sync_session, "persistent_to_deleted")
    def deleted(sync_session, instance):
        sync_session.info.setdefault("asyncify_deleted", []).append(instance)

    @event.listens_for(session.sync_session, "after_rollback")
    def rolled_back(sync_session):
        sync_session.info.pop("asyncify_deleted", None)

    @event.listens_for(session.sync_session, "after_commit")
    def committed(sync_session):
        gone = sync_session.info.pop("asyncify_deleted", [])
        if not sync_session.info.get("asyncify_expire_on_commit"):
            return
        sync_session.info["asyncify_stale"] = True
        # the sync commit expired loaded collections: reloaded, they no longer held the rows it
        # deleted; drop those objects from them (no SQL)
        gone_ids = {id(obj) for obj in gone}
        for obj in list(sync_session.identity_map.values()) if gone_ids else ():
            state = instance_state(obj)
            for rel in state.mapper.relationships:
                loaded = state.dict.get(rel.key) if rel.uselist else None
                members = list(collection_adapter(loaded)) if loaded is not None else []
                if any(id(member) in gone_ids for member in members):
                    kept = [member for member in members if id(member) not in gone_ids]
                    set_committed_value(obj, rel.key, kept)

    @event.listens_for(session.sync_session, "do_orm_execute")
    def reload(orm_execute_state):
        stale = orm_execute_state.session.info.get("asyncify_stale")
        if stale and orm_execute_state.is_select:
            orm_execute_state.update_execution_options(populate_existing=True)


async def drop_address(db: AsyncSession, user_id: int, address_id: int) -> list[str]:
    # The session expires on commit: the collection read after the commit is loaded again,
    # without the address the commit deleted.
    _reload_after_commit(db, True)
    user = await db.get(User, user_id, options=[selectinload(User.addresses)])
    before = [a.email for a in user.addresses]
    await db.delete(await db.get(Address, address_id))
    await db.commit()
    return before + [a.email for a in user.addresses]
