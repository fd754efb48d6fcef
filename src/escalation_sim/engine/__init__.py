"""The engine: seeded random streams, ensemble state, the simpy calendar, chunked ensembles."""
