"""Lantern: a leadership coach for library people, in Slack and in a terminal."""
