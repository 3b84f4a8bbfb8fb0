"""Local stand-in for Zalo's HTTP API and helpers to build signed webhook events."""
