"""The engine: the inbox, the turn loop, effects applied, and scheduled work."""
