"""escsim: a scenario-forecasting simulator for interstate escalation (Azerbaijan–Russia)."""
