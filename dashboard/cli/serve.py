"""`laa serve`: the dashboard behind its sign-in and headers, on the address and port configured."""

import importlib
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from dashboard.settings import Settings

from dashboard.cli.base import UserError


def serve(
    ctx: typer.Context,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="the port to listen on (default: LAA_PORT, else 8501)")
    ] = None,
    address: Annotated[str, typer.Option(help="the address to listen on")] = "localhost",
) -> None:
    """Start the dashboard (Streamlit) in the browser. This process becomes the server: stopping it stops it."""
    from dashboard.cli import serving
    from dashboard.store.schema import upgrade

    port = port or ctx.obj.settings.port
    if serving.port_in_use(address, port):  # Streamlit would stop with a bare "Port 8501 is not available"
        raise UserError(serving.busy_port_message(address, port))
    engine = ctx.obj.creating_engine()
    upgrade(engine)
    engine.dispose()  # no pooled connection is carried into the server
    app_dir = _app_folder()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_dir / "server.py"),  # app.py behind the security headers
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--logger.hideWelcomeMessage",  # printed before the server answers; the announcer says it when it does
        "true",
    ]
    environment = os.environ | _server_settings(ctx.obj.settings, engine)
    os.chdir(app_dir)  # where the server's .streamlit/config.toml is
    sys.stdout.flush()
    sys.stderr.flush()
    serving.start_announcer(address, port)
    # exec, not a child process: a signal sent to `laa serve` (Ctrl+C, SIGTERM from a service manager or
    # scripts/start) reaches Streamlit itself, which shuts down and frees the port.
    try:
        os.execve(sys.executable, command, environment)
    except OSError as exc:
        raise UserError(f"cannot start Streamlit ({sys.executable}): {exc.strerror}") from exc


def _server_settings(settings: "Settings", engine: "Engine") -> dict[str, str]:
    """This command's settings as LAA_ variables for the server, which runs in the app's folder: the database and
    the log file resolved here, as absolute paths, and what .env gave (the server would look for .env there)."""
    values = settings.model_dump(mode="json") | {
        "database_url": engine.url.render_as_string(hide_password=False),
        "log_file": str(settings.resolved_log_file()),
    }
    prefix = settings.model_config.get("env_prefix", "")
    return {
        f"{prefix}{name}".upper(): value if isinstance(value, str) else json.dumps(value)
        for name, value in values.items()
        if value is not None
    }


def _app_folder() -> Path:
    """Where the installed laa_app package is (found, not imported: the package never imports streamlit)."""
    spec = importlib.util.find_spec("laa_app")
    if spec is None or spec.origin is None:
        raise UserError("the dashboard's app (the laa_app package) is not installed: reinstall the package")
    return Path(spec.origin).resolve().parent
