CALLS = [
    ("rename", (1, "zed")),
    ("add_address", (3, "carol@example.com")),
    ("failed_nested", (1,)),
]
