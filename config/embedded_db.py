"""Start (or reuse) the project's embedded PostgreSQL and print a DATABASE_URL for it.

Used by the Makefile when DATABASE_URL is unset, so `make run` and `make test` work on a
machine with no PostgreSQL installed. The server (from the `pgserver` package) keeps its
data in `.pgdata/` and its lock files in `.pgrun/`, both git-ignored, and keeps running
after this script exits so later commands reuse it; `make run` stops it when the app
stops, and `make stop` stops it by hand.

    python -m config.embedded_db            # prints postgres://...%2F...socket.../debriefs
    python -m config.embedded_db --ensure URL
        # creates URL's database on that server if it does not exist yet, prints URL
    python -m config.embedded_db --stop     # stops the embedded server if it is running
"""

import os
import pwd
import sys
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "debriefs"


def start_embedded() -> str:
    runtime_dir = BASE_DIR / ".pgrun"
    runtime_dir.mkdir(exist_ok=True)
    runtime_dir.chmod(0o700)
    # pgserver reads its lock folder from XDG_RUNTIME_DIR when it is imported.
    os.environ["XDG_RUNTIME_DIR"] = str(runtime_dir)
    import pgserver

    server = pgserver.get_server(BASE_DIR / ".pgdata", cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    if socket_dir is None:
        info = server.get_postmaster_info()
        return f"postgres://postgres@{info.hostname}:{info.port}/{DATABASE_NAME}"
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"


def stop_embedded(pgdata: Path = BASE_DIR / ".pgdata") -> bool:
    """Stop the embedded server if it is running; True if it was running."""
    if not (pgdata / "postmaster.pid").exists():
        return False
    os.environ.setdefault("XDG_RUNTIME_DIR", str(BASE_DIR / ".pgrun"))  # as start_embedded
    from pgserver._commands import pg_ctl

    # pgserver runs the server as the data folder's owner (its own user when started by root).
    owner = pgdata.stat().st_uid
    as_owner = {} if owner == os.getuid() else {"user": pwd.getpwuid(owner).pw_name}
    pg_ctl(["-w", "stop"], pgdata=pgdata, **as_owner)
    return True


def ensure_database(url: str) -> None:
    """Create the URL's database if the server does not have it yet."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    params = {
        "dbname": "postgres",
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--stop"]:
        if stop_embedded():
            print("Stopped the embedded PostgreSQL.")
        else:
            print("The embedded PostgreSQL is not running.")
        return 0
    url = argv[1] if len(argv) >= 2 and argv[0] == "--ensure" else start_embedded()
    ensure_database(url)
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
