# No relationship is read (`box.addresses` is a Mailbox's list): the models are left as they are, no
# query gets an option, and the SELECTs are the sync code's.
CALLS = [
    ("names", ()),
    ("emails_of", (1,)),
]
