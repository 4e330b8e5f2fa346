"""Run the development web server and a task worker side by side.

Ctrl-C (or either process ending) stops both. Used by `make run`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

HOST = os.environ.get("RUN_HOST", "127.0.0.1")
PORT = os.environ.get("RUN_PORT", "8000")


def main() -> int:
    python = sys.executable
    web = subprocess.Popen([python, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"])
    worker = subprocess.Popen([python, "manage.py", "db_worker", "--no-reload", "--interval", "1"])
    processes = {"web server": web, "task worker": worker}
    print(f"Serving http://{HOST}:{PORT}/ (admin at /admin/); task worker running. Ctrl-C stops both.")

    def stop(*_args: object) -> None:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 10
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    try:
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"The {name} stopped (exit code {process.returncode}); stopping the other.")
                    stop()
                    return process.returncode or 0
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping the web server and the task worker...")
        stop()
        return 0


if __name__ == "__main__":
    sys.exit(main())
