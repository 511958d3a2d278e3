"""Running Leda: health and readiness probes, logs and metrics, the deployment doctor, backup and
restore."""
