# Methods of a generic class reached through an instance built as ``Cls[T](...)`` (directly and
# through a property): awaited like those of ``Cls(...)``.
CALLS = [
    ("first_names", (2,)),
    ("first_names", (0,)),
    ("all_names", ()),
]
