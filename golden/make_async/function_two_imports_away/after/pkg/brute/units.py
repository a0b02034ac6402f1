async def unit(s, parser):
    return s if await parser.matcher.find_unit(s) else ""
