"""The WSGI entry point for gunicorn and other servers: ``gunicorn app.wsgi:application``.

The app is made once a process; then what it loaded (the course, the catalogs, the templates)
is moved out of the garbage collector's sight with ``gc.freeze()``, so the collections a busy
process runs walk only what requests make, not the tens of thousands of objects that stay.
"""

import gc

from . import create_app

application = create_app()
gc.collect()  # what making the app left behind, before the rest is frozen
gc.freeze()
