class Parsed:
    def __init__(self, unit):
        self.unit = unit


def parse(s, parser):
    unit = s if parser.matcher.find_unit(s) else ""
    return Parsed(unit)
