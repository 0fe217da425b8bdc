"""The editors' preview: ``preview`` builds, snapshots and watches; ``server`` answers HTTP.

May import ``build`` and everything below it.
"""
