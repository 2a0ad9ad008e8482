"""The shared domain pieces: versions, the trash, the change log, idempotency, roles, errors."""
