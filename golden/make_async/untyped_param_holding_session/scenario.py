CALLS = [("summary", ())]
