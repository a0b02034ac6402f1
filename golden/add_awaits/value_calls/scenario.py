CALLS = [
    ("run_action", ("rename", "!")),
    ("run_action", ("greet", "?")),
    ("dispatch", ("rename", "+", True)),
    ("dispatch", ("greet", "+", True)),
    ("dispatch", ("rename", "-", False)),
]
