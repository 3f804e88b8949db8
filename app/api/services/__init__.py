"""Read-side service functions: keyword-only arguments, domain errors, no HTTP."""
