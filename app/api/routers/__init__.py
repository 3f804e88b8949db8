"""HTTP routes: thin, no SQL and no NLP here."""
