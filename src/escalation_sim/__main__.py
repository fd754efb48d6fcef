"""``python -m escalation_sim …`` is ``escsim …``: the same entry point, signals included."""

from escalation_sim.cli.main import main

if __name__ == "__main__":
    main()
