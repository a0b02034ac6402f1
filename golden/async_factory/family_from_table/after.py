from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


class Repo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get_one(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)


class Base:
    def __init__(self) -> None:
        self.steps = ["base"]


class Importer(Base):
    async def _async_init(self, repo: Repo, user_id: int, tag: str):
        self.repo = repo
        self.tag = tag
        user = await repo.get_one(user_id)
        if not user:
            raise LookupError(user_id)
        self.user = user
        super().__init__()

    @classmethod
    async def create(cls, *args, **kwargs):
        # ``cls(...)`` with its ``__init__`` awaited: the same steps, in the same order.
        instance = cls.__new__(cls)
        await instance._async_init(*args, **kwargs)
        return instance

    def owner(self) -> str:
        return f"{self.tag}:{self.user.name}:{'/'.join(self.steps)}"

    async def refreshed_name(self) -> str:
        return (await self.repo.get_one(self.user.id)).name


class CsvImporter(Importer):
    async def _async_init(self, **kwargs):
        await super()._async_init(**kwargs)
        self.steps.append("csv")


class JsonImporter(Importer):
    pass


async def owner_of(session: AsyncSession, kind: str, user_id: int) -> str:
    args = {"repo": Repo(session), "user_id": user_id, "tag": kind}
    table: dict[str, type[Importer]] = {"csv": CsvImporter, "json": JsonImporter, "plain": Importer}
    constructor = table.get(kind, None)
    if constructor is None:
        raise ValueError(kind)
    importer = await constructor.create(**args)
    name = await importer.refreshed_name()
    return f"{importer.owner()}={name}"


async def direct_owner(session: AsyncSession, user_id: int) -> str:
    picked = {"a": CsvImporter, "b": JsonImporter}
    return (await picked["b"].create(repo=Repo(session), user_id=user_id, tag="direct")).owner()
