"""Print, one per line, the shell commands of the README's "Try it on a fresh machine" section.

`.ci/run` runs exactly these, so the README and CI cannot drift apart.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SECTION = "## Try it on a fresh machine"


def fresh_machine_commands(readme: str) -> list[str]:
    start = readme.index(SECTION) + len(SECTION)
    end = readme.find("\n## ", start)
    section = readme[start : end if end != -1 else None]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, re.S)]


if __name__ == "__main__":
    for command in fresh_machine_commands(Path(sys.argv[1]).read_text(encoding="utf-8")):
        print(command)
