"""The WSGI callable gunicorn serves for a Slipway "wsgi" app: it loads the app's own callable.

Why a wrapper: when a worker fails to import the app, gunicorn stops the whole server
("Worker failed to boot"), so one bad save would end the preview. Here an app that fails to load
(an exception at import, a missing callable) is logged with its traceback and answered with 500
until the next reload, while gunicorn keeps running.
"""

import importlib
import os
import sys
import traceback

ENTRY_VARIABLE = "SLIPWAY_WSGI_ENTRY"


class SlipwayWsgiApp:
    """Loads "module:callable" once per worker and forwards every request to it."""

    def __init__(self, entry):
        self.entry = entry
        self.app = None
        self.load_error = None
        try:
            self.app = load_callable(entry)
        except (Exception, SystemExit) as error:  # SystemExit: an app may call sys.exit() at import
            self.load_error = type(error).__name__
            print(f"slipway: could not load the app {entry!r}:", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            sys.stderr.flush()

    def __call__(self, environ, start_response):
        if self.app is None:
            # The traceback may hold secrets: it goes to the log, never to the page.
            body = (f"500 Internal Server Error\n\nThe app could not be loaded ({self.load_error}).\n"
                    "The traceback is in the app's log.\n").encode("utf-8")
            start_response("500 Internal Server Error", [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
            ])
            return [body]
        return self.app(environ, start_response)


def load_callable(entry):
    module_name, _, attribute = entry.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"the entry {entry!r} is not \"module:callable\"")
    module = importlib.import_module(module_name)
    app = getattr(module, attribute)
    if not callable(app):
        raise TypeError(f"{entry} is a {type(app).__name__}, not a WSGI callable")
    return app


application = SlipwayWsgiApp(os.environ.get(ENTRY_VARIABLE, ""))
