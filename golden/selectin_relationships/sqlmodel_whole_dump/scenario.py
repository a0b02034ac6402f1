# SQLModel table models dumped whole with jsonable_encoder (model_dump: fields only): the sync code
# loads no relationship, so neither relationship becomes selectin (no extra SELECT per load).
CALLS = [
    ("user_as_json", (1,)),
    ("user_as_json", (3,)),
    ("address_as_json", (4,)),
]
