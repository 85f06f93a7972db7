"""Sync between a post and headquarters: keys, enrolment, bundles and the post's side of the exchange.

No Qt here. The contract with the HQ server is ``docs/sync-http.md``; the bundle format for
someone writing a compatible reader is ``docs/bundle-format.md``.
"""
