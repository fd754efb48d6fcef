"""The ``escsim`` command line: ``app.py`` registers the commands; ``common.py`` is shared.

escsim's parallelism is its own worker processes (``--workers``): a BLAS thread pool in each
would only contend with them, and numpy starting one costs about 0.1 s of CPU in every command.
So the command line asks OpenBLAS (numpy's BLAS) for one thread, before numpy is imported,
unless the user has set ``OPENBLAS_NUM_THREADS``. The API leaves a notebook's settings alone.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
