"""The model: ladder, compiled parameters, decision rule, dynamics and outcome classes."""
