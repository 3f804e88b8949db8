"""Pure annotation code: text in, plain data objects out. No database, no HTTP."""
