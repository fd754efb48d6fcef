"""``python -m escalation_sim …`` runs the ``escsim`` command (e.g. from a notebook's kernel)."""

from escalation_sim.cli.app import main

if __name__ == "__main__":
    main()
