from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def load_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


class Greeting:
    async def _async_init(self, session: AsyncSession, user_id: int, word: str = "hi"):
        self.word = word
        self.user = await load_user(session, user_id)
        self.known = self.user is not None

    @classmethod
    async def create(cls, *args, **kwargs):
        # ``cls(...)`` with its ``__init__`` awaited: the same steps, in the same order.
        instance = cls.__new__(cls)
        await instance._async_init(*args, **kwargs)
        return instance

    def text(self) -> str:
        return f"{self.word} {self.user.name if self.known else 'stranger'}"


async def greet(session: AsyncSession, user_id: int) -> str:
    return (await Greeting.create(session, user_id)).text()


async def greet_all(session: AsyncSession, ids: list[int]) -> list[str]:
    greetings = [await Greeting.create(session, i, word="hey") for i in ids]
    return [g.text() for g in greetings if isinstance(g, Greeting)]
