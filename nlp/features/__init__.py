"""Features: a batch of answers (``nlp.tokens.TokenBatch``) → arrays and sparse matrices, one component a module."""
