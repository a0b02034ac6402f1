# Built by name: each construction awaits the lookup, so a known user is greeted by name and an
# unknown one as a stranger, as before; the isinstance check still sees a `Greeting`.
CALLS = [
    ("greet", [1]),
    ("greet", [99]),
    ("greet_all", [[1, 2, 99]]),
]
