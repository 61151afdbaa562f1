"""Harvesting: the archive gathers outlets' pages itself (issue #17, docs/harvesting.md).

`urls` canonicalises addresses (pure), `frontier` keeps each URL's state in the database, `warc`
writes and reads the captures, `spider` and `middlewares` are the Scrapy side, `run` starts a crawl.
"""
