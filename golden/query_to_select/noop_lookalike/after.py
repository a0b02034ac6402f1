class Index:
    """Not SQLAlchemy: a search index with its own query builder."""

    def __init__(self, docs):
        self.docs = docs

    def query(self, field):
        return Result(self.docs, field)


class Result:
    def __init__(self, docs, field):
        self.docs, self.field = docs, field

    def filter(self, value):
        return Result([d for d in self.docs if d.get(self.field) == value], self.field)

    def first(self):
        return self.docs[0] if self.docs else None


def lookup(index: Index, name: str):
    return index.query("name").filter(name).first()


def lookup_all(docs, name):
    idx = Index(docs)
    return [d for d in idx.query("name").filter(name).docs]
