CALLS = [
    ("Controller.greet_twice", []),
    ("Controller.kept_after_insert", []),
    ("Controller.forgotten_after_delete", []),
    ("Controller.assigned", []),
    ("Controller.delete_unread", [], "raises"),  # nothing kept to forget: AttributeError
]
