"""Reading a report: bytes of a file or page → clean text, sections, items, metadata.

The lowest working floor: it imports nothing of the library but the base modules
(``schema``, ``errors``, ``categories``). Every span elsewhere is an offset into
``Report.text`` as built here.
"""
