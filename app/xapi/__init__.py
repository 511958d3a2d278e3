"""xAPI 1.0.3: what learners did, as statements for a Learning Record Store (issue 12)."""
