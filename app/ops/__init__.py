"""Running Leda: health and readiness probes, the deployment doctor, backup and restore."""
