from mylib.db import create_engine


def make():
    with open("config.txt") as f:
        url = f.read()
    return create_engine("sqlite:///app.db", url)
