"""Runs localstripe (the Stripe stand-in from PyPI) for one test, on loopback only.

    <localstripe venv>/bin/python scripts/lib/localstripe_serve.py PORT

localstripe's own command listens on every interface and saves its whole store to
/tmp/localstripe.pickle after each write; a test's stand-in is its own and short-lived, so
it listens on 127.0.0.1 and keeps its store in memory.
"""

import sys

from aiohttp import web
from localstripe import resources, server

resources.Store.dump_to_disk = lambda self: None

web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
