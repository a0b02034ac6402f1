CALLS = [
    ("UserCRUD.get", (2,)),
    ("UserCRUD.get", (9,)),
    ("UserCRUD.page", (1, 2)),
    ("UserCRUD.count", ()),
    ("UserCRUD.remove_all", ()),
    ("AddressRouter.first", (3,)),
    ("UserFactory.create", ("dora", 22)),
    ("address_rows", ()),
    ("users_counted", ()),
]
