CALLS = [("rename_or_undo", (1, "zed")), ("rename_or_undo", (2, "undo"))]
