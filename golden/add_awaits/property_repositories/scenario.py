# Repositories reached through @cached_property / @property getters: their methods made async are
# awaited where they are called through the property.
CALLS = [
    ("ids_named", ("alice",)),
    ("ids_named", ("zed",)),
]
