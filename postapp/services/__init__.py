"""Use cases over the store, one module per area; every function takes an open ``Session`` so the
caller decides the transaction (one form save, one import, one demo fill)."""
