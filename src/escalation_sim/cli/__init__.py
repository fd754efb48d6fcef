"""The ``escsim`` command line: ``app.py`` registers the commands; ``common.py`` is shared."""
