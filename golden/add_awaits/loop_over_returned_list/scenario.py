CALLS = [
    ("Bus.dispatch", ["dan"]),
    ("Bus.dispatch", [""]),
]
