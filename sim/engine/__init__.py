"""Domain-free simulation machinery: calendar, random streams, ledger, event log."""
