from sqlalchemy.orm import Session

from golden_models import User


class Repo:
    def __init__(self, session: Session):
        self.session = session

    def get_one(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)


class Base:
    def __init__(self) -> None:
        self.steps = ["base"]


class Importer(Base):
    def __init__(self, repo: Repo, user_id: int, tag: str):
        self.repo = repo
        self.tag = tag
        user = repo.get_one(user_id)
        if not user:
            raise LookupError(user_id)
        self.user = user
        super().__init__()

    def owner(self) -> str:
        return f"{self.tag}:{self.user.name}:{'/'.join(self.steps)}"

    def refreshed_name(self) -> str:
        return self.repo.get_one(self.user.id).name


class CsvImporter(Importer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.steps.append("csv")


class JsonImporter(Importer):
    pass


def owner_of(session: Session, kind: str, user_id: int) -> str:
    args = {"repo": Repo(session), "user_id": user_id, "tag": kind}
    table: dict[str, type[Importer]] = {"csv": CsvImporter, "json": JsonImporter, "plain": Importer}
    constructor = table.get(kind, None)
    if constructor is None:
        raise ValueError(kind)
    importer = constructor(**args)
    name = importer.refreshed_name()
    return f"{importer.owner()}={name}"


def direct_owner(session: Session, user_id: int) -> str:
    picked = {"a": CsvImporter, "b": JsonImporter}
    return picked["b"](repo=Repo(session), user_id=user_id, tag="direct").owner()
