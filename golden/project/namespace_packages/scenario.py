CALLS = [
    ("services:user_summary", [1]),
    ("services:user_summary", [3]),
]
