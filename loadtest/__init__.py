"""The load test of an exam day: ``make loadtest`` (see README.md and docs/performance.md).

``locustfile.py`` plays the learners, ``page.py`` reads the pages they get, ``learners.py``
creates their accounts and ``check.py`` verifies afterwards that every answer the server
acknowledged is in the database.
"""
