"""The one fault a test can ask the app server for, from outside: dying at the worst moment.

A request with the header ``X-Fault: crash-before-replying`` is served in full (an autosave
is committed) and then the whole server, master and workers, is killed with SIGKILL before
the reply leaves: what a power cut or the OOM killer does to an answer in flight. Only the
fault tests' server settings (tests/faults/server_settings.py) install this middleware.
"""

import os
import signal


def crash_before_replying(get_response):
    def middleware(request):
        response = get_response(request)
        if request.headers.get("X-Fault") == "crash-before-replying":
            # gunicorn runs in a session of its own, so its process group is the server.
            os.killpg(os.getpgid(0), signal.SIGKILL)
        return response

    return middleware
