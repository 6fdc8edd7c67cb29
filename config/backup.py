"""`make backup` and `make restore FILE=...`: the whole database in one file, and back.

    python -m config.backup dump [DIRECTORY]     # writes DIRECTORY/<timestamp>.dump
    python -m config.backup restore FILE         # replaces the database's content

Both read DATABASE_URL (the Makefile points it at the embedded server when unset).

Steps:
1. Pick the PostgreSQL tools: pg_dump must be at least the server's major version, so the
   candidates (the embedded server's own binaries shipped in the `pgserver` package,
   Debian's /usr/lib/postgresql/<N>/bin, then whatever is on PATH) are sorted with the
   server's own version first, then the closest newer one.
2. A dump is `pg_dump --format=custom` of the whole database.
3. A restore first dumps the current content next to FILE's directory (`...-before-
   restore.dump`), so a restore by mistake loses nothing, then runs `pg_restore --clean
   --if-exists --single-transaction`: all of it is restored, or nothing changes.

The password travels in PGPASSWORD, never on a command line.
"""

import datetime
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DIRECTORY = BASE_DIR / "backups"


class BackupError(Exception):
    """Why a backup or restore cannot run, in words for the person running it."""


def connection_settings(url: str) -> dict[str, str]:
    """libpq environment variables (PGHOST, PGDATABASE, ...) for a DATABASE_URL."""
    import dj_database_url

    config = dj_database_url.parse(url)
    values = {
        "PGHOST": config.get("HOST"),
        "PGPORT": config.get("PORT"),
        "PGUSER": config.get("USER"),
        "PGPASSWORD": config.get("PASSWORD"),
        "PGDATABASE": config.get("NAME"),
        "PGSSLMODE": (config.get("OPTIONS") or {}).get("sslmode"),
    }
    return {key: str(value) for key, value in values.items() if value}


def connect(url: str):
    """A psycopg connection to the URL's database."""
    import psycopg

    settings = connection_settings(url)
    names = {"PGHOST": "host", "PGPORT": "port", "PGUSER": "user", "PGPASSWORD": "password",
             "PGDATABASE": "dbname", "PGSSLMODE": "sslmode"}
    return psycopg.connect(**{names[key]: value for key, value in settings.items()})


def server_major_version(url: str) -> int:
    with connect(url) as connection:
        return connection.info.server_version // 10000


def installed_tools() -> list[Path]:
    """The directories holding a pg_dump and pg_restore on this machine."""
    directories = []
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.origin:
        directories.append(Path(spec.origin).parent / "pginstall" / "bin")
    directories += sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    on_path = shutil.which("pg_dump")
    if on_path:
        directories.append(Path(on_path).resolve().parent)
    return [d for d in directories if (d / "pg_dump").exists() and (d / "pg_restore").exists()]


def _major_version(directory: Path) -> int | None:
    try:
        output = subprocess.run([directory / "pg_dump", "--version"], capture_output=True,
                                text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(found.group(1)) if found else None


def tools_for(server_major: int) -> Path:
    """The directory of the pg_dump and pg_restore to use with a server of that version."""
    versions = {d: _major_version(d) for d in installed_tools()}
    usable = sorted((v, str(d)) for d, v in versions.items() if v and v >= server_major)
    if not usable:
        found = ", ".join(f"{d} ({v})" for d, v in versions.items()) or "none"
        raise BackupError(
            f"The database server runs PostgreSQL {server_major}: pg_dump {server_major} or "
            f"newer is needed (found: {found}). Install postgresql-client-{server_major}."
        )
    return Path(usable[0][1])


def _run(tool: Path, arguments: list[str], url: str) -> None:
    environment = os.environ | connection_settings(url)
    result = subprocess.run([str(tool), *arguments], env=environment, capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise BackupError(f"{tool.name} failed:\n{result.stderr.strip()}")


def dump(url: str, target: Path) -> Path:
    """Write the whole database to `target` (pg_dump's custom format)."""
    tools = tools_for(server_major_version(url))
    target.parent.mkdir(parents=True, exist_ok=True)
    _run(tools / "pg_dump", ["--format=custom", f"--file={target}"], url)
    return target


def restore(url: str, source: Path, keep_copy_in: Path | None = None) -> Path | None:
    """Replace the database's content with the dump `source`, all or nothing.

    With `keep_copy_in`, the current content is dumped there first; returns that file.
    """
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    tools = tools_for(server_major_version(url))
    copy = None
    if keep_copy_in is not None:
        copy = dump(url, keep_copy_in / f"{_timestamp()}-before-restore.dump")
    _run(tools / "pg_restore", [
        "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges",
        f"--dbname={connection_settings(url)['PGDATABASE']}", str(source),
    ], url)
    return copy


def _timestamp() -> str:
    return datetime.datetime.now().strftime("%Y-%m-%dT%H%M%S")


def main(argv: list[str]) -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url or not argv or argv[0] not in {"dump", "restore"}:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        if argv[0] == "dump":
            directory = Path(argv[1]) if len(argv) > 1 else DEFAULT_DIRECTORY
            print(f"Backup written to {dump(url, directory / f'{_timestamp()}.dump')}")
        else:
            if len(argv) < 2:
                raise BackupError("Say which backup to restore: make restore FILE=...")
            source = Path(argv[1])
            copy = restore(url, source, keep_copy_in=source.resolve().parent)
            print(f"Restored {source}. The content it replaced is in {copy}.")
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
