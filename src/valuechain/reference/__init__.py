"""Facts two or more domains share, each in one home: the dated shocks and confounders
(:mod:`valuechain.reference.events`) and the organisation -> country table
(:mod:`valuechain.reference.origin`).

Plumbing: imports nothing from the domains.
"""
