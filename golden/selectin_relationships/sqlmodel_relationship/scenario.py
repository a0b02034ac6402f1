# A SQLModel Relationship read where the plan cannot follow its objects: the strategy goes into
# sa_relationship_kwargs (Relationship takes no lazy=), the same SELECTs as the sync lazy load.
CALLS = [
    ("owner_of", (1,)),
    ("owner_of", (3,)),
]
