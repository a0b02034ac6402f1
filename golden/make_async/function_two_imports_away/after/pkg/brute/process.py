class Parsed:
    def __init__(self, unit):
        self.unit = unit


async def parse(s, parser):
    unit = s if await parser.matcher.find_unit(s) else ""
    return Parsed(unit)
