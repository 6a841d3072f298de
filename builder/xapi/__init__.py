"""xAPI support (statements, Tin Can packages). Not built yet."""
