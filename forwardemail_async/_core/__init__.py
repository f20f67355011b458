"""The core: one request from arguments to a decoded answer, knowing no resource.

Transport, retry policy, rate-limit gate, clock, auth, URL and header building, response
reading, errors, list routes as data (``routes``), pagination and the requester that ties
them together. Imports go down only:
resources use the core, the core never imports a resource.
"""
