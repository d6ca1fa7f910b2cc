"""Plain-Python view state: what the console knows, with no Qt in it."""
