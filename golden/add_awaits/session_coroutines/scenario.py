CALLS = [
    ("rename", (1, "zed")),
    ("delete_addresses", (1,)),
    ("delete_addresses", (3,)),
    ("pending", ()),
]
