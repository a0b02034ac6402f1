def unit(s, parser):
    return s if parser.matcher.find_unit(s) else ""
