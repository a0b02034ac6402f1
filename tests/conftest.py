import sys
from pathlib import Path

# Test helpers (golden_harness) import as top-level modules.
sys.path.insert(0, str(Path(__file__).parent))
