CALLS = [("user_name", (1,)), ("user_name", (99,)), ("names", ())]
