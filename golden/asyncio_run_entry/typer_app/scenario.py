CLI = "case:app"
DATABASE = "app.db"
INVOCATIONS = [["show"], ["show", "--upper"]]
