"""The columnar bulk pricer: many claims at once, equal to the single-claim path."""
