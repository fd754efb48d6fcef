"""Rewrite the golden files from the current model: ``python tests/golden/regenerate.py``.

Do this only when the model or a bundled scenario changed on purpose, check the differences
(``git diff tests/golden``) and say in the commit message why the numbers moved.
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    env = {**os.environ, "ESCSIM_UPDATE_GOLDEN": "1"}
    code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            str(HERE / "test_golden.py")], env=env, cwd=HERE.parents[1])
    if code == 0:
        print("golden files rewritten; review them with: git diff tests/golden")
    sys.exit(code)
