"""Demo accounts and data for a newcomer's machine, and the bulk seeder for benchmarks.

A small app of its own rather than part of `portal` or an app: filling the portal with
examples touches every app, and only a place above all of them may import them all
(`portal` imports no app; `helpline` may not write `leaflet`'s content or `peers`'
volunteers freely). It is installed only in development (`portal/settings.py`), so
production never has its commands, its accounts or its data.
"""
