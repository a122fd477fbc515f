"""Fakes of the outside services Lantern talks to, served on 127.0.0.1 for tests and benches."""
