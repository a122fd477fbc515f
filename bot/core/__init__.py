"""Platform-neutral vocabulary and the engine that runs flows."""
