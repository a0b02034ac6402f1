class Database:
    def commit(self) -> None:
        pass

    def execute(self, sql: str) -> list[str]:
        return [sql]


def run(db: Database) -> list[str]:
    db.commit()
    return db.execute("select 1")


def untyped(db) -> None:
    # An untyped parameter named db is not assumed to be a session.
    db.commit()
