"""Documents Lantern makes for a person: pictures of their toolkit work and their exports."""
