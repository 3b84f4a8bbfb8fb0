"""Keeping residents' personal data out of logs and lists."""
