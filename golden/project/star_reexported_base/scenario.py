# Methods inherited from a base class imported through a package that re-exports it with a star
# import: awaited like those of the base itself.
CALLS = [
    ("shop.views:ids", ("alice",)),
    ("shop.views:ids", ("zed",)),
]
