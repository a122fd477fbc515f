"""Adapters translate between a platform and the neutral vocabulary of bot.core."""
