# Invoked in one process, in order: the second command writes what the third counts.
CLI = "case:cli"
DATABASE = "app.db"
INVOCATIONS = [
    ["count"],
    ["add-user", "dave", "52"],
    ["count", "--min-age", "40"],
]
