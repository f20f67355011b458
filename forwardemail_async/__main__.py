"""``python -m forwardemail_async``: the ``forwardemail`` command line."""

from forwardemail_async.cli import main

raise SystemExit(main())
