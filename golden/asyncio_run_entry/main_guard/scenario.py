CALLS = [("count_users", ())]
