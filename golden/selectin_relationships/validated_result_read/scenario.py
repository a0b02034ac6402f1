# A repository validates what it got into a schema whose type it holds as a value; its callers read
# the schema's fields, named like the model's relationships. Those reads load nothing: the model
# stays lazy (no SELECT added to its every query), and the validation, which does read the
# relationship, runs in the session's greenlet with the same lazy load as sync.
CALLS = [
    ("owner_name", (1,)),
    ("owner_name", (3,)),
    ("AddressRepository.get_one", (4,)),
]
