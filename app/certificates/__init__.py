"""Course completion: the certificate a learner earns, its PDF and its public verification."""
