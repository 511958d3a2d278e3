"""The accessibility statement, and what the browser tests measured for it (measured.json)."""
