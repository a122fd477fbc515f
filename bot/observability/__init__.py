"""Operations: structured logs and Prometheus metrics for the web and worker processes."""
