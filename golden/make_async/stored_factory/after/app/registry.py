from .stores import *

STORES = [(memory_store, "memory")]


def built_stores(db, name):
    return [(label, factory(name)) for factory, label in STORES]
