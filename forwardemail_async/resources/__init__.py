"""One module per API service (`client.domains`, `client.aliases`, ...).

Each maps its methods' arguments onto a request through the core and decodes the answer into
`forwardemail_async.models`; the services are public through `forwardemail_async`.
"""
