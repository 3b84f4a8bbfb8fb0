"""The web side: the Flask webhook adapter and the framework-free intake (verify, parse, store once, answer)."""
