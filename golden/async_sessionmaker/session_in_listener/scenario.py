# The flush runs the listener: it counts the users (the new one included) on the flush's connection.
CALLS = [("add_user", ("erin",))]
# Listeners on the Session class are process-wide: before's, registered by the sync run, also
# fires in after's run (one more SELECT, into before's SEEN); after's own result is compared.
PARITY_EXCEPTIONS = {"add_user": "before's class-wide listener also fires in after's run"}
