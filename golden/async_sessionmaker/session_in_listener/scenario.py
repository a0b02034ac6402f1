# The flush runs the listener: it counts the users (the new one included) on the flush's connection.
CALLS = [("add_user", ("erin",))]
