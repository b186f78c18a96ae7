"""The project store: schema, connection and migrations (SQLite embedded, PostgreSQL for teams).

`qda.Project` is the public face; these modules are its plumbing, one concern each.
"""
