CALLS = [
    ("shop.api:rename", ("alice", "alicia")),
    ("shop.api:rename", ("nobody", "x")),
    ("shop.services:UserService.names", ("bob",)),
]
